// quantlens: the desktop application.
#include <QApplication>
#include <QCommandLineParser>

#include "AppSettings.h"
#include "MainWindow.h"
#include "Screenshot.h"

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("QuantLens"));
    QApplication::setApplicationName(QStringLiteral("QuantLens"));
    QApplication::setApplicationVersion(QStringLiteral(QUANTLENS_VERSION));
    ql::AppSettings::installTranslator(app);
    ql::AppSettings::applyTheme(ql::AppSettings::theme());

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "Compare an FP32 ONNX model with its quantized version."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("models"), QApplication::translate("main", "FP32 and/or quantized .onnx files to open."),
                                 QStringLiteral("[FP32.onnx] [QUANT.onnx]"));
    // For documentation and tests: save a picture of the window once loading and analysis are done.
    QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                  QApplication::translate("main", "Save a PNG of the window when idle, then quit."),
                                  QStringLiteral("file.png"));
    parser.addOption(screenshot);
    QCommandLineOption images(QStringLiteral("images"),
                              QApplication::translate("main", "Folder or image to compare the activations on."),
                              QStringLiteral("folder"));
    parser.addOption(images);
    QCommandLineOption tab(QStringLiteral("tab"), QApplication::translate("main", "Tab to show first: graph, activations, weights or detections."),
                           QStringLiteral("name"));
    parser.addOption(tab);
    QCommandLineOption demo(QStringLiteral("demo"),
                            QApplication::translate("main", "Open the bundled demo: YOLOv8n FP32, its INT8 version and two photos."));
    parser.addOption(demo);
    QCommandLineOption requantize(QStringLiteral("requantize"),
                                  QApplication::translate("main", "With --screenshot: re-quantize once with the exclusions first."));
    parser.addOption(requantize);
    parser.process(app);

    ql::MainWindow window;
    window.show();
    if (parser.isSet(tab))
        window.showTab(parser.value(tab));
    if (parser.isSet(images))
        window.workspace()->setImages(parser.values(images));
    window.openFiles(parser.positionalArguments());
    if (parser.isSet(demo))
        window.workspace()->openDemo();
    if (parser.isSet(screenshot))
        ql::saveScreenshotWhenIdle(window, parser.value(screenshot), parser.isSet(requantize));
    return QApplication::exec();
}
