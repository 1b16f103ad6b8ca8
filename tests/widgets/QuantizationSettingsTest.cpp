// Quantization Settings and the session's calibration set and preprocessing (issue 15, item 1):
// the dialog says which images calibrate, re-quantize calibrates on the calibration set with the
// chosen preprocessing, a recipe (generated here, or written by the real CLI) sets everything,
// the project keeps it, and the dialog fits a 1366x768 screen in both themes and languages.
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QLabel>
#include <QScreen>
#include <QSpinBox>
#include <QSignalSpy>
#include <QTest>
#include <QTranslator>
#include <fstream>
#include <opencv2/imgcodecs.hpp>

#include "AppSettings.h"
#include "MainWindow.h"
#include "QuantizationSettingsDialog.h"
#include "Workspace.h"
#include "model/OnnxModel.h"
#include "quantize/QuantizationRecipe.h"
#include "support/TestModels.h"

using namespace ql;

class QuantizationSettingsTest : public QObject {
    Q_OBJECT
private:
    QString fp32Path_;

    // A fresh folder of `count` 8x8 images of one BGR colour.
    static QString imageFolder(const char* name, int count, cv::Scalar bgr) {
        const QString dir = QString::fromStdString(test::tempPath(name));
        QDir().mkpath(dir);
        for (int i = 0; i < count; ++i)
            cv::imwrite(QStringLiteral("%1/img%2.png").arg(dir).arg(i).toStdString(), cv::Mat(8, 8, CV_8UC3, bgr));
        return dir;
    }

    static bool waitIdle(const Workspace& ws) {
        return QTest::qWaitFor([&] { return !ws.isBusy(); }, 30000);
    }

    static QString shownDescription(const QuantizationSettingsDialog& dialog) {
        auto* label = dialog.findChild<QLabel*>(QStringLiteral("calibrationDescription"));
        return label ? label->text().remove(QChar(0x200b)) : QString();  // without the wrap points
    }

    // The scale of the requantized model's input QuantizeLinear (the test net's input "x").
    static double inputScale(const Workspace& ws) {
        const auto* q = ws.model(Workspace::Slot::Quantized);
        if (!q)
            return -1.0;
        const QuantizedTensor* x = q->analyzed.qdq.findByFloatName("x");
        return x && !x->params.scales.empty() ? x->params.scales.front() : -1.0;
    }

    static bool requantizeAndWait(Workspace& ws, QString* busyText = nullptr) {
        QSignalSpy busy(&ws, &Workspace::busyChanged);
        ws.requantize();
        if (!waitIdle(ws))
            return false;
        for (const auto& args : busy)
            if (args.at(1).toString().startsWith(QStringLiteral("Quantizing")) && busyText)
                *busyText = args.at(1).toString();
        return ws.model(Workspace::Slot::Quantized) != nullptr;
    }

private slots:
    void initTestCase() {
        QCoreApplication::setOrganizationName(QStringLiteral("QuantLensSettingsTest"));
        fp32Path_ = QString::fromStdString(test::tempPath("settings_fp32.onnx"));
        QVERIFY(OnnxModel::fromProto(test::makeConvNet(), "fp32")->save(fp32Path_.toStdString()));
    }

    void dialogSaysWhichImagesCalibrate() {
        Workspace ws;
        QCOMPARE(ws.calibrationDescription(), QStringLiteral("no images yet (choose a calibration set, or comparison images)"));
        const QString comparison = imageFolder("describe_comparison", 3, cv::Scalar(10, 20, 30));
        const QString calibration = imageFolder("describe_calibration", 2, cv::Scalar(60, 60, 60));
        ws.setImages({comparison});
        QCOMPARE(ws.calibrationDescription(), QStringLiteral("the 3 comparison images (no calibration set chosen)"));

        QuantizationSettingsDialog dialog(ws);
        QCOMPARE(shownDescription(dialog), ws.calibrationDescription());
        dialog.setCalibrationImages({calibration});  // as the Folder... button does
        QCOMPARE(shownDescription(dialog), QStringLiteral("2 images of %1").arg(calibration));
        QCOMPARE(ws.calibrationImages(), QStringList());  // nothing changes before OK
        QSignalSpy changed(&ws, &Workspace::calibrationChanged);
        dialog.applyTo(ws);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(ws.calibrationImages(), QStringList{calibration});
        QCOMPARE(ws.calibrationDescription(), QStringLiteral("2 images of %1").arg(calibration));
        // Files from two folders: the folder they share.
        ws.setCalibrationImages({calibration + QStringLiteral("/img0.png"), comparison + QStringLiteral("/img1.png")});
        QCOMPARE(ws.calibrationDescription(), QStringLiteral("2 images of %1").arg(QFileInfo(calibration).absolutePath()));
        ws.setCalibrationImages({calibration + QStringLiteral("/img1.png")});
        QCOMPARE(ws.calibrationDescription(), QStringLiteral("1 image, %1/img1.png").arg(calibration));
        ws.setCalibrationImages({});
        ws.setImages({comparison + QStringLiteral("/img2.png")});
        QCOMPARE(ws.calibrationDescription(),
                 QStringLiteral("the comparison image %1/img2.png (no calibration set chosen)").arg(comparison));
        ws.setCalibrationImages({QStringLiteral("/nonexistent/calibration")});
        QVERIFY(ws.calibrationDescription().contains(QStringLiteral("/nonexistent/calibration")));
    }

    // The input's quantization scale says which images calibrated, worked out by hand: the test
    // net's uint8 input range is [0, max pixel / 255] under the default preprocessing (the 8x8
    // images fill its 4x4 input without padding), so its scale is max / 255 / 255.
    void requantizeCalibratesOnTheCalibrationSet() {
        Workspace ws;
        const QString comparison = imageFolder("requant_comparison", 1, cv::Scalar(20, 120, 220));
        const QString calibration = imageFolder("requant_calibration", 2, cv::Scalar(60, 60, 60));
        ws.setImages({comparison});
        ws.openModel(fp32Path_);
        QVERIFY(waitIdle(ws));

        QVERIFY(requantizeAndWait(ws));
        QVERIFY(qAbs(inputScale(ws) - 220.0 / 255 / 255) < 1e-7);  // no set chosen: the comparison image

        ws.setCalibrationImages({calibration});
        QString busy;
        QVERIFY(requantizeAndWait(ws, &busy));
        QVERIFY(qAbs(inputScale(ws) - 60.0 / 255 / 255) < 1e-7);
        QVERIFY2(busy.contains(QStringLiteral("calibrating on 2 images of %1").arg(calibration)), qPrintable(busy));

        // A custom convention reaches the calibration: 0-255 values, mean 10 and std 2 give
        // (60 - 10) / 2 = 25 for every pixel, so a scale of 25 / 255.
        PreprocessingChoice custom;
        custom.mode = PreprocessingMode::Custom;
        custom.custom.scale = 1.0f;
        custom.custom.mean = {10.0f, 10.0f, 10.0f};
        custom.custom.stddev = {2.0f, 2.0f, 2.0f};
        ws.setPreprocessingChoice(custom);
        QVERIFY(waitIdle(ws));
        QVERIFY(ws.preprocessingNote().contains(QStringLiteral("0-255")));
        QVERIFY(requantizeAndWait(ws));
        QVERIFY2(qAbs(inputScale(ws) - 25.0 / 255) < 1e-6, qPrintable(QString::number(inputScale(ws))));

        // Back to the comparison images: the same, with the comparison image's 220.
        ws.setCalibrationImages({});
        QVERIFY(requantizeAndWait(ws));
        QVERIFY(qAbs(inputScale(ws) - (220.0 - 10) / 2 / 255) < 1e-6);
        QVERIFY(waitIdle(ws));
    }

    void recipeImportSetsEverything() {
        const QString calibration = imageFolder("recipe_calibration", 2, cv::Scalar(60, 60, 60));
        QuantizationRecipe recipe;
        recipe.settings.activationType = QuantType::QInt8;
        recipe.settings.perChannel = true;
        recipe.settings.quantizeBias = false;
        recipe.settings.opTypesToQuantize = {"Conv"};
        recipe.settings.nodesToExclude = {"conv2", "relu1"};
        recipe.calibration.method = CalibrationMethod::Percentile;
        recipe.calibration.percentile = 99.9;
        recipe.calibration.preprocess.resize = ResizeMode::Stretch;
        recipe.calibration.preprocess.rgb = false;
        recipe.calibration.preprocess.mean = {0.485f, 0.456f, 0.406f};
        recipe.calibration.preprocess.stddev = {0.229f, 0.224f, 0.225f};
        recipe.calibrationImages = {(calibration + QStringLiteral("/img0.png")).toStdString(),
                                    (calibration + QStringLiteral("/img1.png")).toStdString()};
        const QString file = QString::fromStdString(test::tempPath("recipe.json"));
        std::ofstream(file.toStdString()) << recipe.toJson().dump(2);

        Workspace ws;
        ws.toggleExclusion(QStringLiteral("conv1"));
        QuantizationSettingsDialog dialog(ws);
        QString error;
        QVERIFY2(dialog.importRecipe(file, &error), qPrintable(error));
        auto* mode = dialog.findChild<QComboBox*>(QStringLiteral("preprocessingMode"));
        QCOMPARE(static_cast<PreprocessingMode>(mode->currentData().toInt()), PreprocessingMode::Custom);
        QCOMPARE(dialog.findChild<QComboBox*>(QStringLiteral("channelOrder"))->currentText(), QStringLiteral("BGR"));
        QVERIFY(dialog.findChild<QLabel*>(QStringLiteral("recipeNote"))->text().contains(QStringLiteral("2 excluded nodes")));
        QCOMPARE(shownDescription(dialog), QStringLiteral("2 images of %1").arg(calibration));
        QCOMPARE(ws.exclusionSet(), QSet<QString>{QStringLiteral("conv1")});  // nothing before OK

        const int undoSteps = ws.undoStack()->count();
        dialog.applyTo(ws);
        QCOMPARE(ws.quantizerSettings().activationType, QuantType::QInt8);
        QVERIFY(ws.quantizerSettings().perChannel);
        QVERIFY(!ws.quantizerSettings().quantizeBias);
        QCOMPARE(ws.quantizerSettings().opTypesToQuantize, std::vector<std::string>{"Conv"});
        QCOMPARE(ws.calibrationOptions().method, CalibrationMethod::Percentile);
        QCOMPARE(ws.calibrationOptions().percentile, 99.9);
        QCOMPARE(ws.calibrationImages().size(), 2);
        QCOMPARE(ws.preprocessingChoice().mode, PreprocessingMode::Custom);
        const PreprocessOptions& p = ws.preprocessingChoice().custom;
        QCOMPARE(p.resize, ResizeMode::Stretch);
        QVERIFY(!p.rgb);
        QCOMPARE(p.scale, 1.0f / 255.0f);
        QVERIFY(qAbs(p.mean[0] - 0.485f) < 1e-4f && qAbs(p.stddev[2] - 0.225f) < 1e-4f);  // the spin boxes' 4 decimals
        QCOMPARE(ws.exclusionSet(), (QSet<QString>{QStringLiteral("conv2"), QStringLiteral("relu1")}));
        QCOMPARE(ws.undoStack()->count(), undoSteps + 1);  // one step
        ws.undoStack()->undo();
        QCOMPARE(ws.exclusionSet(), QSet<QString>{QStringLiteral("conv1")});
    }

    void badRecipeIsOneClearMessage() {
        const QString file = QString::fromStdString(test::tempPath("not_a_recipe.json"));
        std::ofstream(file.toStdString()) << R"({"format": "quantlens-project", "version": 2})";
        Workspace ws;
        QuantizationSettingsDialog dialog(ws);
        QString error;
        QVERIFY(!dialog.importRecipe(file, &error));
        QVERIFY2(error.contains(file) && error.contains(QStringLiteral("not a quantization recipe")), qPrintable(error));
        QVERIFY(!dialog.importedExclusions());
        QVERIFY(dialog.findChild<QLabel*>(QStringLiteral("recipeNote"))->isHidden());
        QCOMPARE(dialog.preprocessing().mode, PreprocessingMode::ModelDefault);
        QVERIFY(!dialog.importRecipe(QStringLiteral("/nonexistent/r.json"), &error));
        QVERIFY(error.contains(QStringLiteral("/nonexistent/r.json")));
    }

    // The recipe tests/cli's cli.quantize_writes_recipe made with the real CLI, held to the flags
    // it was given there (--resize topleft --bgr --no-scale --mean 1 2 3 --std 4 5 6 --method
    // percentile --percentile 99.9 --per-channel, on the six images of the generated data set).
    void importsTheRecipeTheCliWrote() {
        const QString file = qEnvironmentVariable("QUANTLENS_CLI_RECIPE");
        if (file.isEmpty())
            QSKIP("QUANTLENS_CLI_RECIPE not set (CTest sets it after cli.quantize_writes_recipe)");
        Workspace ws;
        QuantizationSettingsDialog dialog(ws);
        QString error;
        QVERIFY2(dialog.importRecipe(file, &error), qPrintable(error));
        dialog.applyTo(ws);
        QCOMPARE(ws.calibrationOptions().method, CalibrationMethod::Percentile);
        QCOMPARE(ws.calibrationOptions().percentile, 99.9);
        QVERIFY(ws.quantizerSettings().perChannel);
        const PreprocessingChoice& p = ws.preprocessingChoice();
        QCOMPARE(p.mode, PreprocessingMode::Custom);
        QCOMPARE(p.custom.resize, ResizeMode::LetterboxTopLeft);
        QVERIFY(!p.custom.rgb);
        QCOMPARE(p.custom.scale, 1.0f);
        QCOMPARE(p.custom.mean, (std::array<float, 3>{1.0f, 2.0f, 3.0f}));
        QCOMPARE(p.custom.stddev, (std::array<float, 3>{4.0f, 5.0f, 6.0f}));
        QCOMPARE(ws.calibrationImages().size(), 6);
        QVERIFY(ws.calibrationImages().front().endsWith(QStringLiteral("/data/images/val/img0.png")));
        QVERIFY2(ws.calibrationDescription().startsWith(QStringLiteral("6 images of ")) &&
                     ws.calibrationDescription().endsWith(QStringLiteral("/data/images/val")),
                 qPrintable(ws.calibrationDescription()));
        QVERIFY(ws.exclusions().empty());
    }

    // Saved from one window, opened in another: the calibration set and the preprocessing
    // choice come back, and the menu's automatic preprocessing follows.
    void projectKeepsCalibrationSetAndPreprocessing() {
        const QString calibration = imageFolder("project_calibration", 2, cv::Scalar(60, 60, 60));
        const QString comparison = imageFolder("project_comparison", 1, cv::Scalar(20, 120, 220));
        const QString projectFile = comparison + QStringLiteral("/session.qlproj");
        PreprocessingChoice custom;
        custom.mode = PreprocessingMode::Custom;
        custom.custom.resize = ResizeMode::LetterboxTopLeft;
        custom.custom.rgb = false;
        custom.custom.mean = {0.5f, 0.25f, 0.125f};
        {
            MainWindow w;
            w.workspace()->setImages({comparison});
            w.workspace()->setCalibrationImages({calibration});
            w.workspace()->setPreprocessingChoice(custom);
            QVERIFY(w.saveProject(projectFile));
        }
        {
            MainWindow w;
            w.openFiles({projectFile});
            QVERIFY(waitIdle(*w.workspace()));
            QCOMPARE(w.workspace()->calibrationImages(), QStringList{calibration});
            QVERIFY(w.workspace()->preprocessingChoice() == custom);
            QCOMPARE(w.workspace()->calibrationDescription(), QStringLiteral("2 images of %1").arg(calibration));
            // Automatic, saved and opened: the Analysis menu's tick shows it.
            PreprocessingChoice automatic = custom;
            automatic.mode = PreprocessingMode::Automatic;
            w.workspace()->setPreprocessingChoice(automatic);
            QVERIFY(w.saveProject(projectFile));
        }
        MainWindow w;
        auto* action = w.findChild<QAction*>(QStringLiteral("autoPreprocessAction"));
        QVERIFY(action && !action->isChecked());
        w.openFiles({projectFile});
        QVERIFY(waitIdle(*w.workspace()));
        QCOMPARE(w.workspace()->preprocessingChoice().mode, PreprocessingMode::Automatic);
        QVERIFY(action->isChecked());
        action->setChecked(false);  // the menu turns it off: back to the model's default
        QCOMPARE(w.workspace()->preprocessingChoice().mode, PreprocessingMode::ModelDefault);
    }

    // Older exports (issue 16): the dialog's "Convert to opset" and "Keep the last layers float"
    // reach re-quantize (an opset-11 model comes out at opset 13; conv2, the net's last layer,
    // keeps its float weight while conv1's is quantized, and the exclusion list stays empty) and
    // the project.
    void olderExportOptionsReachRequantizeAndProject() {
        onnx::ModelProto old = test::makeConvNet();
        old.mutable_opset_import(0)->set_version(11);
        const QString oldPath = QString::fromStdString(test::tempPath("settings_opset11.onnx"));
        QVERIFY(OnnxModel::fromProto(old, "old")->save(oldPath.toStdString()));
        const QString comparison = imageFolder("oldexport_comparison", 1, cv::Scalar(20, 120, 220));
        const QString projectFile = comparison + QStringLiteral("/old.qlproj");
        {
            MainWindow w;
            Workspace& ws = *w.workspace();
            ws.setImages({comparison});
            ws.openModel(oldPath);
            QVERIFY(waitIdle(ws));
            QuantizationSettingsDialog dialog(ws);
            auto* opset = dialog.findChild<QSpinBox*>(QStringLiteral("upgradeOpset"));
            auto* keep = dialog.findChild<QCheckBox*>(QStringLiteral("keepLastLayerFloat"));
            QVERIFY(opset && keep);
            QCOMPARE(opset->value(), 0);
            QVERIFY(!keep->isChecked());
            opset->setValue(13);
            keep->setChecked(true);
            dialog.applyTo(ws);
            QCOMPARE(ws.quantizerSettings().upgradeOpset, 13);
            QVERIFY(ws.quantizerSettings().keepLastLayerFloat);
            QVERIFY(requantizeAndWait(ws));
            const auto* q = ws.model(Workspace::Slot::Quantized);
            QCOMPARE(q->analyzed.model.opsetVersion(), int64_t{13});
            const Graph& g = q->analyzed.model.graph();
            QVERIFY(g.findNode("conv1") >= 0 && g.findNode("conv2") >= 0);
            // conv1 reads its weight through a DequantizeLinear; conv2 (kept float) the FP32 initializer.
            QVERIFY(!g.isInitializer(g.node(g.findNode("conv1")).inputs.at(1)));
            QVERIFY(g.isInitializer(g.node(g.findNode("conv2")).inputs.at(1)));
            QVERIFY(ws.exclusions().empty());
            QVERIFY(w.saveProject(projectFile));
        }
        MainWindow w;
        w.openFiles({projectFile});
        QVERIFY(waitIdle(*w.workspace()));
        QCOMPARE(w.workspace()->quantizerSettings().upgradeOpset, 13);
        QVERIFY(w.workspace()->quantizerSettings().keepLastLayerFloat);
        QuantizationSettingsDialog dialog(*w.workspace());
        QCOMPARE(dialog.findChild<QSpinBox*>(QStringLiteral("upgradeOpset"))->value(), 13);
        QVERIFY(dialog.findChild<QCheckBox*>(QStringLiteral("keepLastLayerFloat"))->isChecked());
    }

    // At 1366x768 (less a panel and the title bar) the dialog fits, in light and dark and in
    // zh_CN; pictures are kept for a person to look at (QUANTLENS_SCREENSHOT_DIR, or the temp folder).
    void fitsASmallScreenInEveryThemeAndLanguage() {
        const QString out = qEnvironmentVariable("QUANTLENS_SCREENSHOT_DIR", QString::fromStdString(test::tempPath("screens")));
        QDir().mkpath(out);
        const QString longFolder = imageFolder("a_calibration_folder_with_a_rather_long_name_as_real_projects_have", 2,
                                               cv::Scalar(60, 60, 60));
        // With a recipe imported: its note shown, the custom fields enabled, all at their tallest.
        QuantizationRecipe recipe;
        recipe.settings.nodesToExclude = {"/model.22/Concat_3", "/model.22/Split"};
        recipe.calibration.preprocess.rgb = false;
        recipe.calibrationImages = {(longFolder + QStringLiteral("/img0.png")).toStdString()};
        const QString recipeFile = QString::fromStdString(test::tempPath("yolov8n_int8_recipe_from_the_cli.json"));
        std::ofstream(recipeFile.toStdString()) << recipe.toJson().dump(2);
        for (const QString& language : {QStringLiteral("en"), QStringLiteral("zh_CN")}) {
            QTranslator translator;
            if (language != QStringLiteral("en")) {
                QVERIFY(translator.load(QStringLiteral(":/i18n/quantlens_") + language));
                QCoreApplication::installTranslator(&translator);
            }
            for (Theme theme : {Theme::Light, Theme::Dark}) {
                AppSettings::applyTheme(theme);
                Workspace ws;
                ws.setImages({longFolder});
                ws.setCalibrationImages({longFolder});
                QuantizationSettingsDialog dialog(ws);
                QString error;
                QVERIFY2(dialog.importRecipe(recipeFile, &error), qPrintable(error));
                dialog.show();
                QVERIFY(QTest::qWaitForWindowExposed(&dialog));
                const QSize size = dialog.size();
                QVERIFY2(size.width() <= 1366 && size.height() <= 768 - 60,
                         qPrintable(QStringLiteral("%1x%2 in %3").arg(size.width()).arg(size.height()).arg(language)));
                const QString png = QStringLiteral("%1/quantization-settings-%2-%3.png")
                                        .arg(out, language, theme == Theme::Dark ? QStringLiteral("dark") : QStringLiteral("light"));
                QVERIFY(dialog.grab().save(png));
                qInfo("%s: %dx%d", qPrintable(png), size.width(), size.height());
            }
            QCoreApplication::removeTranslator(&translator);
        }
        AppSettings::applyTheme(Theme::Light);
    }
};

QTEST_MAIN(QuantizationSettingsTest)
#include "QuantizationSettingsTest.moc"
