// quantlens: the desktop application.
#include <QApplication>
#include <QCommandLineParser>

#include <cstdio>
#include <cstring>

#include "AppSettings.h"
#include "MainWindow.h"
#include "Screenshot.h"
#include "util/BuildInfo.h"

namespace {

// The command line, described once for the GUI and for --help.
struct CommandLine {
    QCommandLineOption screenshot{QStringLiteral("screenshot"),
                                  QCoreApplication::translate("main", "Save a PNG of the window when idle, then quit."),
                                  QStringLiteral("file.png")};  // for documentation and tests
    QCommandLineOption images{QStringLiteral("images"), QCoreApplication::translate("main", "Folder or image to compare the activations on."),
                              QStringLiteral("folder")};
    QCommandLineOption tab{QStringLiteral("tab"),
                           QCoreApplication::translate("main", "Tab to show first: graph, activations, weights or detections."),
                           QStringLiteral("name")};
    QCommandLineOption demo{QStringLiteral("demo"),
                            QCoreApplication::translate("main", "Open the bundled demo: YOLOv8n FP32, its INT8 version and two photos.")};
    QCommandLineOption detectionImage{QStringLiteral("detection-image"),
                                      QCoreApplication::translate("main", "Image the Detections tab shows first (a file name among --images)."),
                                      QStringLiteral("name")};
    QCommandLineOption explain{QStringLiteral("explain"),
                               QCoreApplication::translate("main", "Explain why INT8 lost boxes of that image: 'missed' (every missed and moved box) or the FP32 box nearest x1,y1,x2,y2 (image pixels)."),
                               QStringLiteral("missed|x1,y1,x2,y2")};
    QCommandLineOption fixBox{QStringLiteral("fix-box"),
                              QCoreApplication::translate("main", "With --explain: once the box shown is traced, suggest exclusions for it (Fix this box).")};
    QCommandLineOption requantize{QStringLiteral("requantize"),
                                  QCoreApplication::translate("main", "With --screenshot: re-quantize once with the exclusions first.")};

    void describe(QCommandLineParser& parser) const {
        parser.setApplicationDescription(QCoreApplication::translate("main", "Compare an FP32 ONNX model with its quantized version."));
        parser.addHelpOption();
        parser.addVersionOption();
        parser.addPositionalArgument(QStringLiteral("models"),
                                     QCoreApplication::translate("main", "FP32 and/or quantized .onnx files to open."),
                                     QStringLiteral("[FP32.onnx] [QUANT.onnx]"));
        for (const QCommandLineOption* o : {&screenshot, &images, &tab, &detectionImage, &explain, &fixBox, &demo, &requantize})
            parser.addOption(*o);
    }
};

void name(QCoreApplication&) {
    QCoreApplication::setOrganizationName(QStringLiteral("QuantLens"));
    QCoreApplication::setApplicationName(QStringLiteral("QuantLens"));
    QCoreApplication::setApplicationVersion(QString::fromStdString(ql::quantLensVersion()));
}

bool isOneOf(const char* arg, std::initializer_list<const char*> names) {
    for (const char* n : names)
        if (std::strcmp(arg, n) == 0)
            return true;
    return false;
}

// --help and --version print and quit without a display (over ssh, in scripts, in a package's
// test): they are answered before the GUI starts.
int answerWithoutDisplay(int argc, char** argv) {
    for (int i = 1; i < argc; ++i)
        if (isOneOf(argv[i], {"-v", "--version"})) {
            std::printf("%s\n", ql::versionText("quantlens").c_str());
            return 0;
        }
    QCoreApplication core(argc, argv);
    name(core);
    ql::AppSettings::installTranslator(core);
    QCommandLineParser parser;
    const CommandLine commandLine;
    commandLine.describe(parser);
    parser.process(core);  // prints the help and quits
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    for (int i = 1; i < argc; ++i)
        if (isOneOf(argv[i], {"-h", "--help", "-?", "--help-all", "-v", "--version"}))
            return answerWithoutDisplay(argc, argv);
    QApplication app(argc, argv);
    name(app);
    QGuiApplication::setDesktopFileName(QStringLiteral("quantlens"));  // the menu entry's icon on Wayland
    ql::AppSettings::installTranslator(app);
    ql::AppSettings::applyTheme(ql::AppSettings::theme());

    QCommandLineParser parser;
    const CommandLine commandLine;
    commandLine.describe(parser);
    parser.process(app);

    ql::MainWindow window;
    window.show();
    if (parser.isSet(commandLine.explain) || parser.isSet(commandLine.detectionImage)) {
        std::optional<ql::Box> box;
        const QString what = parser.value(commandLine.explain);
        if (!what.isEmpty() && what != QStringLiteral("missed")) {
            const QStringList v = what.split(QLatin1Char(','));
            bool ok = v.size() == 4;
            float c[4] = {};
            for (int i = 0; ok && i < 4; ++i)
                c[i] = v[i].toFloat(&ok);
            if (!ok || c[2] <= c[0] || c[3] <= c[1]) {
                std::fprintf(stderr, "quantlens: --explain '%s': expected 'missed' or x1,y1,x2,y2 with x1 < x2 and y1 < y2\n",
                             qPrintable(what));
                return 2;
            }
            box = ql::Box{c[0], c[1], c[2], c[3]};
        }
        if (parser.isSet(commandLine.explain))
            window.explainWhenShown(parser.value(commandLine.detectionImage), box, parser.isSet(commandLine.fixBox));
        else
            window.showDetectionImage(parser.value(commandLine.detectionImage));
    }
    if (parser.isSet(commandLine.tab))
        window.showTab(parser.value(commandLine.tab));
    if (parser.isSet(commandLine.images))
        window.workspace()->setImages(parser.values(commandLine.images));
    window.openFiles(parser.positionalArguments());
    if (parser.isSet(commandLine.demo))
        window.workspace()->openDemo();
    if (parser.isSet(commandLine.screenshot))
        ql::saveScreenshotWhenIdle(window, parser.value(commandLine.screenshot), parser.isSet(commandLine.requantize));
    return QApplication::exec();
}
