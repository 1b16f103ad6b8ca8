// The main flows of the window, offscreen: open models, see the comparison, pick a weight.
#include <optional>

#include <QAbstractItemModelTester>
#include <QAbstractProxyModel>
#include <QAbstractItemView>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <QTreeWidget>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHeaderView>
#include <QListWidget>
#include <QMessageBox>
#include <QMenu>
#include <QMenuBar>

#include <QDialogButtonBox>
#include <QDir>
#include <QGraphicsView>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QTimer>
#include <QTranslator>
#include <tuple>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "ActivationErrorModel.h"
#include "detect/DetectionEvaluation.h"
#include "RunsView.h"
#include "PresentationView.h"
#include "AppSettings.h"
#include "DetectionCompareView.h"
#include "GraphPanel.h"
#include "GraphView.h"
#include "HeatMetric.h"
#include "HistogramPlot.h"
#include "LayerTable.h"
#include "MainWindow.h"
#include "ModelSummaryView.h"
#include "NodeDetailsView.h"
#include "OutputSummaryView.h"
#include "QuantizationSettingsDialog.h"
#include "SuggestOptionsDialog.h"
#include "SuggestionDialog.h"
#include "WeightErrorModel.h"
#include "model/ModelBuilder.h"
#include "model/OnnxModel.h"
#include "report/InspectReport.h"
#include "support/TestModels.h"
#include <qcustomplot.h>

using namespace ql;

class MainWindowTest : public QObject {
    Q_OBJECT
private:
    QString fp32Path_, quantPath_;

    static LayerTable* tab(MainWindow& w, const QString& title) {
        auto* tabs = w.findChild<QTabWidget*>(QStringLiteral("mainTabs"));
        for (int i = 0; tabs && i < tabs->count(); ++i)
            if (tabs->tabText(i) == title) {
                tabs->setCurrentIndex(i);
                return qobject_cast<LayerTable*>(tabs->widget(i));
            }
        return nullptr;
    }

    // A fresh folder holding one small image, for calibration and comparison.
    static QString imageFolder(const char* name) {
        const QString dir = QString::fromStdString(test::tempPath(name));
        QDir().mkpath(dir);
        cv::imwrite((dir + QStringLiteral("/a.png")).toStdString(), cv::Mat(8, 8, CV_8UC3, cv::Scalar(20, 120, 220)));
        return dir;
    }

    // ../shared's yolov8n FP32 and QDQ pair and images (a file or folder under ../shared), as the
    // window opens them; nothing when ../shared is absent.
    struct SharedPair {
        QString fp32, quantized, images;
    };
    static std::optional<SharedPair> sharedYolov8n(const char* images = "images/bus.jpg") {
        const auto fp32 = test::sharedFile("models/yolov8n_fp32.onnx");
        const auto quant = test::sharedFile("models/yolov8n_qdq_static.onnx");
        const auto found = test::sharedFile(images);
        if (!fp32 || !quant || !found)
            return std::nullopt;
        return SharedPair{QString::fromStdString(*fp32), QString::fromStdString(*quant), QString::fromStdString(*found)};
    }

    static bool waitIdle(MainWindow& w) {
        return QTest::qWaitFor([&] { return !w.workspace()->isBusy(); }, 60000);  // a limit: a loaded machine is slow
    }

    // The window shown with the two test models open and loaded.
    bool showBothModels(MainWindow& w) const {
        w.show();
        w.openFiles({fp32Path_, quantPath_});
        return waitIdle(w);
    }

    // The window shown with the FP32 test model alone, and images to quantize it with.
    bool showFp32WithImages(MainWindow& w, const QString& imageDir) const {
        w.show();
        w.workspace()->setImages({imageDir});
        w.openFiles({fp32Path_});
        return waitIdle(w);
    }

private slots:
    void initTestCase() {
        QCoreApplication::setOrganizationName(QStringLiteral("QuantLensTest"));
        fp32Path_ = QString::fromStdString(test::tempPath("gui_fp32.onnx"));
        quantPath_ = QString::fromStdString(test::tempPath("gui_quant.onnx"));
        QVERIFY(OnnxModel::fromProto(test::makeConvNet(), "fp32")->save(fp32Path_.toStdString()));
        QVERIFY(OnnxModel::fromProto(test::makeQdqConvNet(), "quant")->save(quantPath_.toStdString()));
    }

    void opensBothModelsIntoTheRightSlots() {
        MainWindow w;
        w.show();
        // Quantized first: the slot follows the model's format, not the order.
        w.openFiles({quantPath_, fp32Path_});
        QVERIFY(waitIdle(w));
        QVERIFY(w.workspace()->model(Workspace::Slot::Fp32));
        QVERIFY(w.workspace()->model(Workspace::Slot::Quantized));
        QCOMPARE(w.workspace()->model(Workspace::Slot::Quantized)->analyzed.qdq.format, QuantFormat::QDQ);
        QVERIFY(w.windowTitle().contains(QStringLiteral("gui_fp32.onnx")));
        QVERIFY(w.windowTitle().contains(QStringLiteral("gui_quant.onnx")));
    }

    void showsTheWeightTableAndHistograms() {
        MainWindow w;
        QVERIFY(showBothModels(w));
        auto* weights = tab(w, QStringLiteral("Weights"));
        QVERIFY(weights);
        QTableView* table = weights->view();
        QCOMPARE(table->model()->rowCount(), 4);
        // Selecting a row fills the histogram plot.
        table->selectRow(0);
        auto* plot = w.findChild<HistogramPlot*>();
        QVERIFY(plot);
        QVERIFY(plot->valuesPlot()->graph(0)->dataCount() > 0);
        // Sorting by SQNR puts the lowest first.
        table->sortByColumn(WeightErrorModel::Sqnr, Qt::AscendingOrder);
        const double first = table->model()->index(0, WeightErrorModel::Sqnr).data(WeightErrorModel::SortRole).toDouble();
        const double last = table->model()->index(3, WeightErrorModel::Sqnr).data(WeightErrorModel::SortRole).toDouble();
        QVERIFY(first <= last);
    }

    // Weights changed beyond rounding (QAT): the flag column and the model-level line in its header.
    void weightTableFlagsWeightsChangedBeyondRounding() {
        WeightErrorModel model;
        WeightError moved;
        moved.name = "w.moved";
        moved.split.elements = 200;
        moved.split.beyondRounding = 150;  // 75%
        WeightError kept;
        kept.name = "w.kept";
        kept.split.elements = 200;
        kept.split.beyondRounding = 1;  // 0.5%: under the 1% flag
        WeightError bias = moved;
        bias.kind = QuantizedKind::Bias;  // biases are reported, never flagged
        model.setWeights({moved, kept, bias});
        const int col = WeightErrorModel::BeyondRounding;
        QCOMPARE(model.index(0, col).data().toString(), QStringLiteral("75.0 %  weights changed"));
        QCOMPARE(model.index(1, col).data().toString(), QStringLiteral("0.5 %"));
        QCOMPARE(model.index(2, col).data().toString(), QStringLiteral("75.0 %"));
        const QString verdict = model.headerData(col, Qt::Horizontal, Qt::ToolTipRole).toString();
        QVERIFY2(verdict.startsWith(QStringLiteral("1 of 2 weights differ from the FP32 file by more than rounding")),
                 qPrintable(verdict));
        model.setWeights({kept});
        QVERIFY(!model.headerData(col, Qt::Horizontal, Qt::ToolTipRole).toString().contains(QStringLiteral("of 1 weights")));
    }

    void summaryListsInputsAndFormat() {
        MainWindow w;
        w.openFiles({quantPath_});
        QVERIFY(waitIdle(w));
        const auto views = w.findChildren<ModelSummaryView*>();
        bool sawQdq = false;
        for (auto* v : views)
            sawQdq |= !v->findItems(QStringLiteral("QDQ"), Qt::MatchStartsWith | Qt::MatchRecursive, 1).isEmpty();
        QVERIFY(sawQdq);
    }

    void comparesActivationsOnImages() {
        const QString dir = imageFolder("gui_images");
        MainWindow w;
        w.show();
        QSignalSpy done(w.workspace(), &Workspace::activationsChanged);
        w.workspace()->setImages({dir});
        w.openFiles({fp32Path_, quantPath_});
        QVERIFY(done.wait(20000));
        QVERIFY(waitIdle(w));
        const auto& report = w.workspace()->activationModel()->report();
        QCOMPARE(report.imageCount, size_t{1});
        QCOMPARE(report.layers.size(), size_t{3});  // x, r1 and the output
        auto* activations = tab(w, QStringLiteral("Activations"));
        QVERIFY(activations);
        QCOMPARE(activations->view()->model()->rowCount(), 3);
        activations->view()->selectRow(0);
        auto* plot = w.findChild<HistogramPlot*>();
        QVERIFY(plot->valuesPlot()->graph(0)->dataCount() > 0);
        // The final outputs sit above the table, not only in the status bar.
        auto* summary = w.findChild<OutputSummaryView*>();
        QVERIFY(summary && summary->isVisible());
        QVERIFY(summary->text().contains(QStringLiteral("Final outputs")));
        QVERIFY(summary->text().contains(QStringLiteral("y: SQNR %1 dB").arg(QString::fromStdString(formatDb(report.outputs[0].metrics.sqnrDb)))));
        // These models are no detectors: the Detections tab says so in place, with no dialog.
        bool said = false;
        for (auto* label : w.findChild<DetectionCompareView*>()->findChildren<QLabel*>())
            said |= label->text().startsWith(QStringLiteral("No detections to compare"));
        QVERIFY(said);
    }

    // A .png that is no image beside a good one: the comparison runs on the good one, and the
    // summary above the Activations table names the bad one (issue 15).
    void unreadableImageIsNamedInTheSummary() {
        const QString dir = imageFolder("gui_bad_images");
        QFile bad(dir + QStringLiteral("/b_broken.png"));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("not an image");
        bad.close();
        MainWindow w;
        w.show();
        QSignalSpy done(w.workspace(), &Workspace::activationsChanged);
        w.workspace()->setImages({dir});
        w.openFiles({fp32Path_, quantPath_});
        QVERIFY(done.wait(20000));
        QVERIFY(waitIdle(w));
        QCOMPARE(w.workspace()->activationModel()->report().imageCount, size_t{1});
        QVERIFY(tab(w, QStringLiteral("Activations")));
        auto* summary = w.findChild<OutputSummaryView*>();
        QVERIFY(summary && summary->isVisible());
        QVERIFY2(summary->text().contains(QStringLiteral("skipped: cannot read image")) &&
                     summary->text().contains(QStringLiteral("b_broken.png")),
                 qPrintable(summary->text()));
    }

    void graphColoursByTheChosenMetric() {
        // Worst of a node's tensors, on a scale where higher is better.
        ModelBuilder b;
        b.input("x", {1, 4}).output("a", {1, 2}).output("c", {1, 2});
        b.node("Split", {"x"}, {"a", "c"}, "split");
        auto model = OnnxModel::fromProto(b.build(), "split");
        QVERIFY(model);
        ActivationReport report;
        for (auto [name, clipped, sqnr] : {std::tuple{"a", 0.002, 30.0}, std::tuple{"c", 0.0, 12.0}}) {
            ActivationError e;
            e.name = e.fp32Name = name;
            e.clippedFraction = clipped;
            e.accumulated.sqnrDb = sqnr;
            report.layers.push_back(e);
        }
        const int split = model->graph().findNode("split");
        const auto sqnr = nodeHeat(report, model->graph(), true, HeatMetric::AccumulatedSqnr);
        QCOMPARE(sqnr.at(split).value, 12.0);
        const auto clipping = nodeHeat(report, model->graph(), true, HeatMetric::Clipping);
        QCOMPARE(clipping.at(split).value, -0.2);  // 0.2% clipped is worse than none
        QVERIFY(clipping.at(split).text.contains(QStringLiteral("0.2%")));

        // The View menu's choice recolours the graph and its legend says which metric it is.
        MainWindow w;
        QVERIFY(showBothModels(w));
        auto* panel = w.findChild<GraphPanel*>();
        panel->setHeatMetric(HeatMetric::Clipping);
        bool legendSaysIt = false;
        for (auto* label : panel->fp32View()->findChildren<QLabel*>())
            legendSaysIt |= label->text().contains(heatMetricName(HeatMetric::Clipping));
        QVERIFY(legendSaysIt);

        // Their names are found at run time in zh_CN (lupdate and the code agree on the context).
        QTranslator chinese;
        QVERIFY(chinese.load(QStringLiteral(":/i18n/quantlens_zh_CN.qm")));
        QCoreApplication::installTranslator(&chinese);
        const QString translated = heatMetricName(HeatMetric::Clipping);
        QCoreApplication::removeTranslator(&chinese);
        QVERIFY2(translated != heatMetricName(HeatMetric::Clipping), qPrintable(translated));
    }

    void excludeAndRequantize() {
        const QString dir = imageFolder("gui_calib");
        MainWindow w;
        QVERIFY(showFp32WithImages(w, dir));
        Workspace* ws = w.workspace();
        GraphView* graph = w.findChild<GraphPanel*>()->fp32View();
        QVERIFY(QTest::qWaitFor([&] { return graph->nodeCount() == 3; }, 10000));

        ws->toggleExclusion(QStringLiteral("conv2"));
        QCOMPARE(ws->exclusionSet(), QSet<QString>{QStringLiteral("conv2")});
        ws->requantize();
        QVERIFY(waitIdle(w));
        const auto* q = ws->model(Workspace::Slot::Quantized);
        QVERIFY(q);
        QCOMPARE(q->analyzed.qdq.format, QuantFormat::QDQ);
        QVERIFY(q->analyzed.model.graph().isInitializer("W2"));            // conv2 kept float
        QVERIFY(q->analyzed.model.graph().isInitializer("W1_quantized"));  // conv1 quantized
        QVERIFY(QTest::qWaitFor([&] { return !ws->activationModel()->report().layers.empty(); }, 20000));

        ws->undoStack()->undo();
        QVERIFY(ws->exclusions().empty());
        const QString saved = QString::fromStdString(test::tempPath("gui_saved_int8.onnx"));
        QString error;
        QVERIFY2(ws->saveQuantizedModel(saved, &error), qPrintable(error));
        QVERIFY(!ws->saveQuantizedModel(fp32Path_, &error));  // never over the FP32 input
    }

    // Every item model of ours the window shows, with the proxies over them, passes Qt's own model
    // checks (QAbstractItemModelTester) while the session changes them: loading, comparing, an
    // exclusion ticked, a re-quantize that adds runs and resets the tables, an undo. (QTreeWidget's
    // private model is Qt's, and the tester flags its column-1 parents in Qt 6.4: not ours to check;
    // the proxies' sources are checked through the proxies, which pass every call on.)
    void everyItemModelPassesQtsChecks() {
        const QString dir = imageFolder("gui_models_checked");
        MainWindow w;
        QVERIFY(showFp32WithImages(w, dir));
        Workspace* ws = w.workspace();
        QSet<QAbstractItemModel*> checked;
        // Ours: a ql:: model, or a proxy over one.
        const auto ours = [](QAbstractItemModel* m) {
            auto* proxy = qobject_cast<QAbstractProxyModel*>(m);
            const QAbstractItemModel* model = proxy ? proxy->sourceModel() : m;
            return model && QByteArray(model->metaObject()->className()).startsWith("ql::");
        };
        const auto checkAll = [&] {
            for (QAbstractItemView* view : w.findChildren<QAbstractItemView*>()) {
                QAbstractItemModel* m = view->model();
                if (!m || checked.contains(m) || !ours(m))
                    continue;
                checked.insert(m);
                new QAbstractItemModelTester(m, QAbstractItemModelTester::FailureReportingMode::QtTest, &w);
            }
        };
        checkAll();
        const auto checkedSource = [&](QAbstractItemModel* source) {
            for (QAbstractItemModel* m : checked)
                if (auto* proxy = qobject_cast<QAbstractProxyModel*>(m); m == source || (proxy && proxy->sourceModel() == source))
                    return true;
            return false;
        };
        QVERIFY(checkedSource(ws->activationModel()));
        QVERIFY(checkedSource(ws->weightModel()));
        ws->toggleExclusion(QStringLiteral("conv2"));
        ws->requantize();  // a quantized model: runs, tables reset
        QVERIFY(waitIdle(w));
        QVERIFY(QTest::qWaitFor([&] { return !ws->activationModel()->report().layers.empty(); }, 20000));
        checkAll();
        QVERIFY(checked.size() >= 3);  // the activations, weights and runs tables at least
        ws->undoStack()->undo();
        ws->requantize();
        QVERIFY(waitIdle(w));
        QVERIFY(!QTest::currentTestFailed());
    }

    void detectionsSideBySideOnRealModels() {
        const auto shared = sharedYolov8n();
        if (!shared)
            QSKIP("../shared models or images not found");
        MainWindow w;
        w.show();
        w.showTab(QStringLiteral("detections"));
        QSignalSpy ready(w.workspace(), &Workspace::detectionReady);
        w.workspace()->setImages({shared->images});
        w.openFiles({shared->fp32, shared->quantized});
        QVERIFY(ready.wait(60000));
        const auto args = ready.takeFirst();
        QVERIFY(!args.at(1).value<QImage>().isNull());
        QCOMPARE(args.at(1).value<QImage>().size(), args.at(2).value<QImage>().size());
        QVERIFY(args.at(3).toString().contains(QStringLiteral("matched")));
        QVERIFY(waitIdle(w));
    }

    // The detector head chosen in the app (the CLI's --layout) reads the outputs: yolov8n's
    // [1,84,8400] read as a YOLOv5 head is refused, the refusal in the app's terms (the menu, not
    // the CLI flag); back on Automatic the detections come again. The menu shows the choice.
    void detectorHeadIsChosenInTheApp() {
        const auto shared = sharedYolov8n();
        if (!shared)
            QSKIP("../shared models or images not found");
        MainWindow w;
        w.show();
        w.showTab(QStringLiteral("detections"));
        Workspace* ws = w.workspace();
        QSignalSpy ready(ws, &Workspace::detectionReady);
        QSignalSpy failed(ws, &Workspace::detectionFailed);
        ws->setImages({shared->images});
        w.openFiles({shared->fp32, shared->quantized});
        QTRY_VERIFY_WITH_TIMEOUT(ready.count() == 1, 60000);
        QVERIFY(waitIdle(w));
        auto* menu = w.findChild<QMenu*>(QStringLiteral("detectorHeadMenu"));
        QVERIFY(menu);
        QAction* v5 = nullptr;
        for (QAction* a : menu->actions())
            if (a->text() == QStringLiteral("v5"))
                v5 = a;
        QVERIFY(v5);
        v5->trigger();
        QCOMPARE(ws->detectorHead(), YoloLayout::YoloV5);
        QVERIFY(v5->isChecked());
        ws->detect(shared->images + QStringLiteral("/bus.jpg"));
        QTRY_VERIFY_WITH_TIMEOUT(failed.count() == 1, 60000);
        const QString why = failed.takeFirst().at(1).toString();
        QVERIFY2(why.contains(QStringLiteral("Analysis \u203a Detector Head")) && !why.contains(QStringLiteral("--layout")),
                 qPrintable(why));
        QVERIFY(waitIdle(w));
        ws->setDetectorHead(YoloLayout::Auto);
        QVERIFY(menu->actions().front()->isChecked());
        ready.clear();
        ws->detect(shared->images + QStringLiteral("/bus.jpg"));
        QTRY_VERIFY_WITH_TIMEOUT(ready.count() == 1, 60000);
        QVERIFY(waitIdle(w));
    }

    // The app's normal start: models and images open while another tab is current. Switching to
    // Detections shows both pictures fitted to their views, not a few pixels wide (issue 15).
    void detectionsFitWhenTheirTabIsShownLater() {
        const auto shared = sharedYolov8n();
        if (!shared)
            QSKIP("../shared models or images not found");
        MainWindow w;
        w.resize(1366, 768);
        w.show();
        QSignalSpy ready(w.workspace(), &Workspace::detectionReady);
        w.workspace()->setImages({shared->images});
        w.openFiles({shared->fp32, shared->quantized});
        QVERIFY(ready.wait(60000));
        QVERIFY(waitIdle(w));
        auto* view = w.findChild<DetectionCompareView*>();
        QVERIFY(!view->isVisible());
        w.showTab(QStringLiteral("detections"));
        for (QGraphicsView* v : {view->fp32View(), view->quantizedView()}) {
            // bus.jpg (810x1080) is taller than wide: it fills the viewport's height, or its width.
            const auto fitted = [v] {
                const QRect r = v->mapFromScene(v->sceneRect()).boundingRect();
                const QSize port = v->viewport()->size();
                return r.width() <= port.width() + 2 && r.height() <= port.height() + 2 &&
                       (std::abs(r.width() - port.width()) <= 3 || std::abs(r.height() - port.height()) <= 3);
            };
            QTRY_VERIFY2(v->viewport()->width() > 100 && fitted(),
                         qPrintable(QStringLiteral("image %1 px wide in a viewport of %2 px")
                                        .arg(v->mapFromScene(v->sceneRect()).boundingRect().width())
                                        .arg(v->viewport()->width())));
        }
        // The latency comes with its spread over repeated runs.
        bool spread = false;
        for (auto* label : view->findChildren<QLabel*>())
            spread |= label->text().contains(QStringLiteral(" ± ")) && label->text().contains(QStringLiteral("5 timed runs"));
        QVERIFY(spread);
    }

    // A detector's output summary shows its parts as deployed; the class scores' SQNR is the one
    // the CLI prints for the same pair and images (tests/cli: cli.compare_output_parts).
    void outputSummaryShowsPartsOfARealDetector() {
        const auto shared = sharedYolov8n("images");
        if (!shared)
            QSKIP("../shared models or images not found");
        MainWindow w;
        w.show();
        QSignalSpy done(w.workspace(), &Workspace::activationsChanged);
        w.workspace()->setImages({shared->images});
        w.openFiles({shared->fp32, shared->quantized});
        QVERIFY(done.wait(60000));
        QVERIFY(waitIdle(w));
        auto* summary = w.findChild<OutputSummaryView*>();
        QVERIFY(tab(w, QStringLiteral("Activations")));
        QVERIFY(summary->isVisible());
        QVERIFY2(summary->text().contains(QStringLiteral("class scores 19.3")), qPrintable(summary->text()));
        QVERIFY(summary->text().contains(QStringLiteral("22 of 22 boxes matched")));
        QVERIFY(summary->text().contains(QStringLiteral("optimisation all")));
    }

    // Analysis > Choose Image Preprocessing Automatically: the convention is chosen in the
    // background, the comparison reruns with it, and the summary says how the images were fed.
    void autoPreprocessingChoosesAndSays() {
        const auto shared = sharedYolov8n();
        if (!shared)
            QSKIP("../shared models or images not found");
        MainWindow w;
        w.show();
        w.workspace()->setImages({shared->images});
        w.openFiles({shared->fp32, shared->quantized});
        QVERIFY(waitIdle(w));
        QSignalSpy chosen(w.workspace(), &Workspace::preprocessingChanged);
        QSignalSpy compared(w.workspace(), &Workspace::activationsChanged);
        auto* action = w.findChild<QAction*>(QStringLiteral("autoPreprocessAction"));
        QVERIFY(action);
        action->setChecked(true);
        QVERIFY(QTest::qWaitFor([&] { return chosen.count() >= 2 && compared.count() >= 1 && !w.workspace()->isBusy(); },
                                120000));
        QVERIFY(w.workspace()->preprocessingNote().contains(QStringLiteral("chosen automatically")));
        auto* summary = w.findChild<OutputSummaryView*>();
        QVERIFY2(summary->text().contains(QStringLiteral("Images preprocessed as: 640x640 ")), qPrintable(summary->text()));
        QVERIFY(summary->text().contains(QStringLiteral("chosen automatically")));
    }

    void exportsTheReport() {
        const QString dir = imageFolder("gui_report_images");
        MainWindow w;
        w.workspace()->disconnect(&w);  // no dialogs in tests
        QSignalSpy compared(w.workspace(), &Workspace::activationsChanged);
        QSignalSpy written(w.workspace(), &Workspace::reportWritten);
        w.workspace()->setImages({dir});
        w.workspace()->openModel(fp32Path_);
        w.workspace()->openModel(quantPath_);
        QVERIFY(compared.wait(20000));
        for (const QString& name : {QStringLiteral("report.html"), QStringLiteral("report.pdf")}) {
            const QString path = QString::fromStdString(test::tempPath(name.toStdString()));
            w.workspace()->exportReport(path);
            QVERIFY(written.wait(20000));
            QFile file(path);
            QVERIFY(file.open(QIODevice::ReadOnly));
            const QByteArray head = file.read(200000);
            if (name.endsWith(QStringLiteral(".pdf")))
                QVERIFY(head.startsWith("%PDF"));
            else
                QVERIFY(head.contains("Where quantization hurts"));
        }
        // With the Chinese translation loaded, the report is written in Chinese (issue 22).
        QTranslator chinese;
        QVERIFY(chinese.load(QStringLiteral(":/i18n/quantlens_zh_CN.qm")));
        QCoreApplication::installTranslator(&chinese);
        const QString path = QString::fromStdString(test::tempPath("report_zh.html"));
        w.workspace()->exportReport(path);
        const bool wrote = written.wait(20000);
        QCoreApplication::removeTranslator(&chinese);
        QVERIFY(wrote);
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString html = QString::fromUtf8(file.readAll());
        QVERIFY(html.contains(QStringLiteral("<html lang=\"zh-CN\">")));
        QVERIFY(html.contains(QStringLiteral("量化的损失在哪里")));  // "Where quantization hurts"
        QVERIFY(!html.contains(QStringLiteral("Where quantization hurts")));
    }

    void suggestsExclusionsInTheBackground() {
        const QString dir = imageFolder("gui_suggest_images");
        MainWindow w;
        w.workspace()->disconnect(&w);  // the result dialog would block the test
        QSignalSpy ready(w.workspace(), &Workspace::suggestionReady);
        w.workspace()->setImages({dir});
        w.workspace()->openModel(fp32Path_);
        QVERIFY(QTest::qWaitFor([&] { return w.workspace()->model(Workspace::Slot::Fp32) != nullptr; }, 10000));
        SuggestionRequest request;
        request.target = 200.0;  // reached only when nothing is left quantized
        request.prefixDepth = 0;
        w.workspace()->suggestExclusions(request);
        QVERIFY(ready.wait(30000));
        const auto& suggestion = w.workspace()->lastSuggestion();
        QVERIFY(suggestion);
        QVERIFY(suggestion->curve.size() >= 2);  // the start and at least one step
        QVERIFY(suggestion->reachedTarget);      // every node excluded: the FP32 model itself, infinite SQNR
        QVERIFY(!suggestion->nodesToExclude.empty());

        // The result: objective and latency per step, one list row per step.
        SuggestionDialog dialog(*suggestion, w.workspace()->suggestionRequest());
        QCOMPARE(dialog.plot()->graphCount(), 2);
        QCOMPARE(dialog.plot()->graph(0)->dataCount(), static_cast<int>(suggestion->curve.size()));
        QVERIFY(dialog.plot()->graph(1)->data()->at(0)->value > 0.0);  // the start's latency, ms
        QCOMPARE(dialog.steps()->count(), static_cast<int>(suggestion->curve.size()));
        QVERIFY(dialog.steps()->item(0)->text().contains(QStringLiteral("(start)")));
        QPushButton* applyAndRequantize = nullptr;
        for (auto* b : dialog.findChildren<QPushButton*>())
            if (b->text() == QStringLiteral("Apply and Re-quantize"))
                applyAndRequantize = b;
        QVERIFY(applyAndRequantize);
        QTimer::singleShot(0, applyAndRequantize, &QPushButton::click);
        QCOMPARE(dialog.exec(), int(SuggestionDialog::ApplyAndRequantize));

        w.workspace()->applyExclusions(suggestion->nodesToExclude);
        QCOMPARE(w.workspace()->exclusions().size(), suggestion->nodesToExclude.size());
        w.workspace()->undoStack()->undo();
        QVERIFY(w.workspace()->exclusions().empty());
    }

    void suggestOptionsKeepATargetPerObjective() {
        SuggestionRequest asked;
        asked.target = 25.0;
        asked.prefixDepth = 0;
        asked.scoredImages = 9;
        SuggestOptionsDialog dialog(asked, 3, 0);
        SuggestionRequest r = dialog.request();
        QVERIFY(!r.fromCurrentExclusions);  // nothing is excluded: nothing to start from
        QVERIFY(!dialog.findChild<QCheckBox*>()->isEnabled());
        QCOMPARE(r.objective, Objective::OutputSqnr);
        QCOMPARE(r.target, 25.0);
        QCOMPARE(r.prefixDepth, 0);
        QCOMPARE(r.scoredImages, 3);  // no more than there are images
        {
            // With a labelled data set open, accuracy against its labels can be the objective, and
            // its images can score.
            const auto offers = [](const SuggestOptionsDialog& d, Objective o) {
                for (auto* c : d.findChildren<QComboBox*>())
                    if (c->findData(static_cast<int>(o)) >= 0)
                        return true;
                return false;
            };
            QVERIFY(!offers(dialog, Objective::Map50to95));
            SuggestionRequest labelled = asked;
            labelled.objective = Objective::Map50to95;
            labelled.target = 0.4;
            SuggestOptionsDialog withData(labelled, 3, 0, 128);
            QVERIFY(offers(withData, Objective::Map50to95));
            QCOMPARE(withData.request().objective, Objective::Map50to95);
            QCOMPARE(withData.request().scoredImages, 9);
            Workspace none;
            QSignalSpy refused(&none, &Workspace::errorOccurred);
            none.suggestExclusions(labelled);  // no FP32 model, no data set: refused, nothing runs
            QCOMPARE(refused.count(), 1);
        }
        auto* objective = dialog.findChildren<QComboBox*>().at(0);
        objective->setCurrentIndex(objective->findData(static_cast<int>(Objective::DetectionFidelity)));
        auto* target = dialog.findChild<QDoubleSpinBox*>();
        QCOMPARE(target->maximum(), 1.0);  // mAP
        target->setValue(0.9);
        QCOMPARE(dialog.request().objective, Objective::DetectionFidelity);
        QCOMPARE(dialog.request().target, 0.9);
        objective->setCurrentIndex(objective->findData(static_cast<int>(Objective::OutputSqnr)));
        QCOMPARE(dialog.request().target, 25.0);  // the SQNR target survives the round trip

        // With exclusions ticked, starting from them is offered but not the default.
        SuggestOptionsDialog withList(asked, 3, 4);
        auto* fromCurrent = withList.findChild<QCheckBox*>();
        QVERIFY(fromCurrent->isEnabled() && !fromCurrent->isChecked());
        QVERIFY(fromCurrent->text().contains(QStringLiteral("4")));
        fromCurrent->setChecked(true);
        QVERIFY(withList.request().fromCurrentExclusions);
    }

    // Suggest: a detector's default objective is detection fidelity; an unreached target does not
    // make "Apply and Re-quantize" the default button.
    void suggestDefaultsForADetector() {
        const auto fp32 = test::sharedFile("models/yolov8n_fp32.onnx");
        if (!fp32)
            QSKIP("../shared models not found");
        MainWindow w;
        w.workspace()->openModel(QString::fromStdString(*fp32));
        QVERIFY(QTest::qWaitFor([&] { return w.workspace()->model(Workspace::Slot::Fp32) != nullptr; }, 20000));
        QCOMPARE(w.workspace()->suggestionRequest().objective, Objective::DetectionFidelity);
        // The test conv net is no detector: the SQNR objective stays.
        MainWindow plain;
        plain.workspace()->openModel(fp32Path_);
        QVERIFY(QTest::qWaitFor([&] { return plain.workspace()->model(Workspace::Slot::Fp32) != nullptr; }, 10000));
        QCOMPARE(plain.workspace()->suggestionRequest().objective, Objective::OutputSqnr);

        Suggestion missed;
        missed.reachedTarget = false;
        missed.curve.resize(1);
        SuggestionDialog dialog(missed, w.workspace()->suggestionRequest());
        bool found = false;
        for (auto* b : dialog.findChildren<QPushButton*>())
            if (b->text() == QStringLiteral("Apply and Re-quantize")) {
                found = true;
                QVERIFY(!b->isDefault());
            }
        QVERIFY(found);
        QVERIFY(dialog.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Close)->isDefault());
    }

    // The result shows the validation curve beside the scoring one, the groups dropped by the
    // backward pass, and greys the steps the validation stop undid.
    void suggestionDialogShowsValidationAndUndoneSteps() {
        Suggestion s;
        s.objective = Objective::Fidelity50to95;
        s.stopReason = "validation stopped improving after step 1";
        s.warnings = {"only 3 scoring images"};
        const auto step = [](SuggestionStep::Kind kind, std::string group, double scoring, double validation, bool kept) {
            SuggestionStep st;
            st.kind = kind;
            st.group = std::move(group);
            st.score.fidelityMap50to95 = scoring;
            Score v;
            v.fidelityMap50to95 = validation;
            st.validation = v;
            st.latencyMs = 30.0;
            st.latency = LatencyStats{10, 28.0, 30.0, 33.0, 30.2};
            st.kept = kept;
            return st;
        };
        s.curve = {step(SuggestionStep::Kind::Start, "", 0.2, 0.18, true),
                   step(SuggestionStep::Kind::Added, "/model.22/", 0.7, 0.65, true),
                   step(SuggestionStep::Kind::Added, "/model.21/", 0.75, 0.64, false),
                   step(SuggestionStep::Kind::Dropped, "/model.22/Concat_5", 0.7, 0.65, true)};
        s.nodesToExclude = {"a"};
        SuggestionRequest request;
        request.objective = Objective::Fidelity50to95;
        request.target = 0.9;
        SuggestionDialog dialog(s, request);
        QCOMPARE(dialog.plot()->graphCount(), 3);  // scoring, latency, validation
        QCOMPARE(dialog.plot()->graph(2)->dataCount(), 4);
        QCOMPARE(dialog.plot()->graph(2)->data()->at(1)->value, 0.65);
        QVERIFY(dialog.steps()->item(1)->text().contains(QStringLiteral("(validation 0.650)")));
        QVERIFY(dialog.steps()->item(1)->text().contains(QStringLiteral("30.0 ms (28.0-33.0)")));
        QVERIFY(dialog.steps()->item(2)->text().contains(QStringLiteral("undone")));
        QVERIFY(dialog.steps()->item(3)->text().contains(QStringLiteral("\u2212 /model.22/Concat_5")));
        const auto labels = dialog.findChildren<QLabel*>();
        QVERIFY(std::any_of(labels.begin(), labels.end(), [](QLabel* l) {
            return l->text().contains(QStringLiteral("Stopped: validation stopped improving")) &&
                   l->text().contains(QStringLiteral("only 3 scoring images"));
        }));
    }

    // An excluded node whose output stays quantized says why, and one click (one undo step) also
    // excludes the nodes that read it quantized.
    void excludedNodeSaysWhyItsOutputStaysQuantized() {
        MainWindow w;
        QVERIFY(showBothModels(w));
        Workspace* ws = w.workspace();
        const int relu = ws->model(Workspace::Slot::Fp32)->analyzed.model.graph().findNode("relu1");
        QVERIFY(relu >= 0);
        emit w.findChild<GraphPanel*>()->nodeSelected(relu);  // as a click in the graph does
        auto* panel = w.findChild<NodeDetailsView*>();
        QCOMPARE(panel->nodeName(), QStringLiteral("relu1"));
        auto* tree = panel->findChild<QTreeWidget*>();
        const auto rows = tree->findItems(QStringLiteral("Read quantized by"), Qt::MatchRecursive);
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows.front()->text(1), QStringLiteral("conv2"));
        QPushButton* keepFloat = nullptr;
        for (auto* b : panel->findChildren<QPushButton*>())
            if (b->text().startsWith(QStringLiteral("Also keep its outputs float")))
                keepFloat = b;
        QVERIFY(keepFloat);
        QVERIFY(keepFloat->isHidden());  // not excluded yet: nothing to explain
        ws->toggleExclusion(QStringLiteral("relu1"));
        QVERIFY(!keepFloat->isHidden());
        keepFloat->click();
        QCOMPARE(ws->exclusionSet(), (QSet<QString>{QStringLiteral("relu1"), QStringLiteral("conv2")}));
        ws->undoStack()->undo();
        QCOMPARE(ws->exclusionSet(), QSet<QString>{QStringLiteral("relu1")});
    }

    // Analysis > Use the Loaded Model's Settings: the file's settings and the nodes it left float
    // become the re-quantize settings and the exclusion list, as one undo step.
    void adoptsTheLoadedModelsSettings() {
        const auto shared = sharedYolov8n();
        if (!shared)
            QSKIP("../shared models not found");
        MainWindow w;
        w.show();
        w.openFiles({shared->fp32, shared->quantized});
        QVERIFY(waitIdle(w));
        Workspace* ws = w.workspace();
        const auto inferred = ws->adoptQuantizedModelSettings();
        QVERIFY(inferred);
        QCOMPARE(ws->exclusions().size(), size_t(12));
        QVERIFY(ws->isExcluded(QStringLiteral("/model.22/Concat_5")));
        QCOMPARE(ws->quantizerSettings().activationType, QuantType::QUInt8);
        QVERIFY(!ws->quantizerSettings().opTypesToQuantize.empty());
        ws->undoStack()->undo();
        QVERIFY(ws->exclusions().empty());
    }

    // On a 1366x768 screen the window fits, and a table shows each name with its SQNR without
    // scrolling sideways.
    void smallScreenShowsNameAndSqnr() {
        const auto shared = sharedYolov8n();
        if (!shared)
            QSKIP("../shared models or images not found");
        MainWindow w;
        w.resize(1366, 740);
        w.show();
        w.workspace()->setImages({shared->images});
        w.openFiles({shared->fp32, shared->quantized});
        QVERIFY(waitIdle(w));
        auto* table = tab(w, QStringLiteral("Activations"));
        QVERIFY(table);
        QApplication::processEvents();
        QHeaderView* header = table->view()->horizontalHeader();
        const int sqnrEnd = header->sectionViewportPosition(ActivationErrorModel::Accumulated) +
                            header->sectionSize(ActivationErrorModel::Accumulated);
        QVERIFY2(sqnrEnd <= table->view()->viewport()->width(),
                 qPrintable(QStringLiteral("SQNR ends at %1 of %2").arg(sqnrEnd).arg(table->view()->viewport()->width())));
        QVERIFY(header->sectionSize(ActivationErrorModel::Tensor) >= 160);
    }

    // Dark mode: placeholders and links stand out from the base they are drawn on.
    void darkPaletteKeepsPlaceholdersReadable() {
        AppSettings::applyTheme(Theme::Dark);
        const QPalette p = QApplication::palette();
        const int base = p.color(QPalette::Base).lightness();
        QVERIFY(p.color(QPalette::PlaceholderText).lightness() - base >= 80);
        QVERIFY(p.color(QPalette::Link).lightness() - base >= 80);
        QVERIFY(p.color(QPalette::Text).lightness() - base >= 150);
        AppSettings::applyTheme(Theme::Light);
    }

    // Within each menu, every Alt+letter reaches one action.
    void menuMnemonicsAreUnique() {
        MainWindow w;
        for (QAction* top : w.menuBar()->actions()) {
            QMenu* menu = top->menu();
            if (!menu)
                continue;
            QMap<QChar, QString> seen;
            for (QAction* a : menu->actions()) {
                const QString text = a->text();
                const int at = text.indexOf(QLatin1Char('&'));
                if (at < 0 || at + 1 >= text.size() || text[at + 1] == QLatin1Char('&'))
                    continue;
                const QChar key = text[at + 1].toLower();
                QVERIFY2(!seen.contains(key), qPrintable(QStringLiteral("%1: '%2' and '%3' share Alt+%4")
                                                             .arg(top->text(), seen.value(key), text, key)));
                seen[key] = text;
            }
        }
    }

    // Closing with exclusions edited since the project was saved asks first; Cancel keeps the window.
    void closingWithUnsavedChangesAsks() {
        MainWindow w;
        QVERIFY(showBothModels(w));
        QVERIFY(!w.workspace()->hasUnsavedChanges());
        w.workspace()->toggleExclusion(QStringLiteral("conv1"));
        QVERIFY(w.workspace()->hasUnsavedChanges());
        auto answer = [](QMessageBox::StandardButton button) {
            QTimer::singleShot(0, [button] {
                auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
                QVERIFY(box);
                QVERIFY(box->text().contains(QStringLiteral("Save the project")));
                box->button(button)->click();
            });
        };
        answer(QMessageBox::Cancel);
        QVERIFY(!w.close());
        QVERIFY(w.isVisible());
        answer(QMessageBox::Discard);
        QVERIFY(w.close());
        w.workspace()->undoStack()->undo();  // back to the saved state: nothing to ask
        w.show();
        QVERIFY(!w.workspace()->hasUnsavedChanges());
        QVERIFY(w.close());
    }

    void tickBoxesInTablesAndNodePanelExclude() {
        MainWindow w;
        QVERIFY(showBothModels(w));
        Workspace* ws = w.workspace();
        WeightErrorModel* weights = ws->weightModel();
        int conv1Row = -1;
        for (int r = 0; r < weights->rowCount(); ++r)
            if (weights->rowNode(r) == QStringLiteral("conv1"))
                conv1Row = r;
        QVERIFY(conv1Row >= 0);
        const QModelIndex tick = weights->index(conv1Row, WeightErrorModel::Excluded);
        QVERIFY(weights->flags(tick) & Qt::ItemIsUserCheckable);
        QVERIFY(weights->setData(tick, Qt::Checked, Qt::CheckStateRole));
        QCOMPARE(ws->exclusionSet(), QSet<QString>{QStringLiteral("conv1")});
        QCOMPARE(weights->data(tick, Qt::CheckStateRole).toInt(), int(Qt::Checked));

        // Selecting the row shows its node in the node panel, ticked, with its attributes.
        auto* table = tab(w, QStringLiteral("Weights"));
        table->selectSourceRow(conv1Row);
        auto* panel = w.findChild<NodeDetailsView*>();
        QVERIFY(panel);
        QCOMPARE(panel->nodeName(), QStringLiteral("conv1"));
        auto* tree = panel->findChild<QTreeWidget*>();
        QVERIFY(!tree->findItems(QStringLiteral("pads"), Qt::MatchRecursive).isEmpty());
        QVERIFY(!tree->findItems(QStringLiteral("Quantization"), Qt::MatchRecursive).isEmpty());
        auto* box = panel->findChild<QCheckBox*>();
        QVERIFY(box->isChecked());
        box->click();  // include it again from the panel
        QVERIFY(ws->exclusions().empty());
        QCOMPARE(weights->data(tick, Qt::CheckStateRole).toInt(), int(Qt::Unchecked));
    }

    void graphKeyboardSideBySideAndGroupExclusion() {
        MainWindow w;
        QVERIFY(showBothModels(w));
        auto* panel = w.findChild<GraphPanel*>();
        QVERIFY(panel);
        panel->setSideBySide(true);
        GraphView* fp32 = panel->fp32View();
        GraphView* quant = panel->quantizedView();
        QVERIFY(QTest::qWaitFor([&] { return fp32->nodeCount() == 3 && quant->nodeCount() == 3; }, 20000));  // Q/DQ folded
        const Graph& g = *fp32->graph();
        auto* canvas = fp32->findChild<QGraphicsView*>(QStringLiteral("graphCanvas"));
        QVERIFY(canvas);
        canvas->setFocus();
        fp32->selectNode(g.findNode("conv1"));
        QTest::keyClick(canvas, Qt::Key_Down);  // follows the edge to the consumer
        QCOMPARE(fp32->selectedNode(), g.findNode("relu1"));
        QCOMPARE(quant->graph()->label(quant->selectedNode()), std::string("relu1"));  // the other view follows
        auto* panelView = w.findChild<NodeDetailsView*>();
        QCOMPARE(panelView->nodeName(), QStringLiteral("relu1"));
        QTest::keyClick(canvas, Qt::Key_Up);
        QCOMPARE(fp32->selectedNode(), g.findNode("conv1"));
        QTest::keyClick(canvas, Qt::Key_E);
        Workspace* ws = w.workspace();
        QCOMPARE(ws->exclusionSet(), QSet<QString>{QStringLiteral("conv1")});

        // A module or subgraph is one undo step.
        emit fp32->exclusionsRequested({QStringLiteral("relu1"), QStringLiteral("conv2")}, true);
        QCOMPARE(ws->exclusions().size(), size_t(3));
        ws->undoStack()->undo();
        QCOMPARE(ws->exclusionSet(), QSet<QString>{QStringLiteral("conv1")});
    }

    void quantizationSettingsDialogEditsWhatRequantizeUses() {
        Workspace workspace;
        workspace.setExclusions({"kept"});
        QuantizationSettingsDialog dialog(workspace);
        auto boxes = dialog.findChildren<QCheckBox*>();
        auto checkbox = [&](const QString& text) {
            for (auto* b : boxes)
                if (b->text() == text)
                    return b;
            return static_cast<QCheckBox*>(nullptr);
        };
        QVERIFY(checkbox(QStringLiteral("Per-channel weights")));
        checkbox(QStringLiteral("Per-channel weights"))->setChecked(true);
        QVERIFY(!dialog.findChild<QDoubleSpinBox*>(QStringLiteral("percentile"))->isEnabled());  // percentile: only for Percentile
        auto combos = dialog.findChildren<QComboBox*>();
        QComboBox* method = nullptr;
        for (auto* c : combos)
            if (c->findText(QStringLiteral("Percentile")) >= 0)
                method = c;
        QVERIFY(method);
        method->setCurrentIndex(method->findText(QStringLiteral("Percentile")));
        QVERIFY(dialog.findChild<QDoubleSpinBox*>(QStringLiteral("percentile"))->isEnabled());
        dialog.findChild<QDoubleSpinBox*>(QStringLiteral("percentile"))->setValue(99.9);
        const QuantizerSettings edited = dialog.settings();
        QVERIFY(edited.perChannel);
        QCOMPARE(edited.nodesToExclude, std::vector<std::string>{"kept"});  // untouched by the dialog
        QCOMPARE(dialog.calibration().method, CalibrationMethod::Percentile);
        QCOMPARE(dialog.calibration().percentile, 99.9);
    }

    // The loop as the Runs dock shows it: the loaded model is run 1; editing the exclusions raises
    // the banner; the first re-quantize with exclusions makes the baseline (no exclusions) and
    // the re-quantized model, the baseline is put beside the loaded model; every run is measured
    // in the background; runs are exported, shown and saved in the project.
    void runsRecordTheLoopAgainstABaseline() {
        const QString dir = imageFolder("gui_runs");
        MainWindow w;
        w.show();
        Workspace* ws = w.workspace();
        ws->setImages({dir});
        w.openFiles({fp32Path_, quantPath_});
        QVERIFY(waitIdle(w));
        QCOMPARE(ws->runs().runs().size(), size_t(1));
        const Run& loaded = ws->runs().runs().front();
        QCOMPARE(loaded.origin, RunOrigin::Loaded);
        QCOMPARE(QString::fromStdString(loaded.name), QStringLiteral("gui_quant.onnx"));
        QCOMPARE(ws->currentRun(), 1);
        QVERIFY(!w.bannerShown());

        ws->toggleExclusion(QStringLiteral("conv2"));
        QVERIFY(w.bannerShown());
        QVERIFY2(w.bannerText().contains(QStringLiteral("1 added")), qPrintable(w.bannerText()));

        ws->requantize();
        QVERIFY(QTest::qWaitFor([&] {
            const auto& runs = ws->runs().runs();
            return !ws->isBusy() && runs.size() == 3 &&
                   std::all_of(runs.begin(), runs.end(), [](const Run& r) { return r.metrics.images > 0 && r.metrics.latency; });
        }, 30000));
        const auto& runs = ws->runs().runs();
        QCOMPARE(runs[1].origin, RunOrigin::Baseline);
        QVERIFY(runs[1].exclusions.empty());
        QCOMPARE(runs[2].origin, RunOrigin::Requantized);
        QCOMPARE(runs[2].exclusions, std::vector<std::string>{"conv2"});
        QCOMPARE(ws->currentRun(), 3);
        QVERIFY(!w.bannerShown());
        QVERIFY(runs[2].metrics.sizeBytes > 0);
        // The current run's figures are those the Activations tab shows.
        const auto& report = ws->activationModel()->report();
        QVERIFY(!report.outputs.empty());
        QCOMPARE(runs[2].metrics.parts.front().sqnrDb, report.outputs.front().metrics.sqnrDb);
        QVERIFY(runs[2].metrics.latency->runs >= 10);
        QVERIFY(runs[2].metrics.latency->minMs <= runs[2].metrics.latency->medianMs);

        RunsView* view = w.runsView();
        QCOMPARE(view->model()->rowCount(), 3);
        QCOMPARE(view->selectedRuns(), (QList<int>{1, 2}));  // the baseline beside the loaded model
        QVERIFY2(view->comparisonText().contains(QStringLiteral("Run 2 against run 1")), qPrintable(view->comparisonText()));
        QVERIFY2(view->driftNote().contains(QStringLiteral("Baseline (run 2")), qPrintable(view->driftNote()));
        QTest::mouseClick(view->table()->viewport(), Qt::LeftButton, {},
                          view->table()->visualRect(view->model()->index(2, 0)).center());
        QCOMPARE(view->selectedRuns(), QList<int>{3});

        const QString csv = dir + QStringLiteral("/runs.csv");
        QString error;
        QVERIFY2(ws->exportRunsCsv(csv, &error), qPrintable(error));
        QFile file(csv);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 4);
        QVERIFY(lines[2].startsWith(QStringLiteral("2,baseline,")));
        QVERIFY(lines[3].startsWith(QStringLiteral("3,re-quantized,")));

        ws->showRun(1);  // the loaded file again, in every view
        QVERIFY(waitIdle(w));
        QCOMPARE(QString::fromStdString(ws->model(Workspace::Slot::Quantized)->analyzed.model.path()), quantPath_);
        QCOMPARE(ws->currentRun(), 1);
        QVERIFY(view->model()->data(view->model()->index(0, RunsModel::Number), Qt::DisplayRole).toString().startsWith(QStringLiteral("\u25B6")));

        const QString projectFile = dir + QStringLiteral("/runs.qlproj");
        QVERIFY(w.saveProject(projectFile));
        MainWindow reopened;
        reopened.show();
        reopened.openFiles({projectFile});
        QVERIFY(QTest::qWaitFor([&] { return reopened.workspace()->model(Workspace::Slot::Quantized) != nullptr; }, 20000));
        QVERIFY(waitIdle(reopened));
        QCOMPARE(reopened.workspace()->runs().runs().size(), size_t(3));  // the file went back to run 1
        QVERIFY(reopened.workspace()->hasRunModel(1));
        QVERIFY(!reopened.workspace()->hasRunModel(3));  // figures only
        QCOMPARE(reopened.workspace()->runs().runs()[2].metrics.parts.front().sqnrDb, runs[2].metrics.parts.front().sqnrDb);
    }

    // With a labelled data set, each run is scored on it as `eval` scores a model (the same
    // preprocessing and every prediction kept), and the FP32 model once for reference.
    void runsAreScoredOnALabelledDataSet() {
        const auto shared = sharedYolov8n("datasets/coco128/images/train2017");
        if (!shared)
            QSKIP("../shared models or coco128 not found");
        // Four labelled images of coco128, as a data set of their own.
        const QString root = QString::fromStdString(test::tempPath("gui_dataset"));
        QDir(root).removeRecursively();
        QDir().mkpath(root + QStringLiteral("/images"));
        QDir().mkpath(root + QStringLiteral("/labels"));
        const QStringList names = QDir(shared->images).entryList({QStringLiteral("*.jpg")}, QDir::Files, QDir::Name).mid(0, 4);
        QCOMPARE(names.size(), 4);
        const QString labels = QFileInfo(shared->images).dir().absolutePath() + QStringLiteral("/../labels/train2017/");
        for (const QString& n : names) {
            QVERIFY(QFile::copy(shared->images + QLatin1Char('/') + n, root + QStringLiteral("/images/") + n));
            const QString label = QFileInfo(n).completeBaseName() + QStringLiteral(".txt");
            QFile::copy(labels + label, root + QStringLiteral("/labels/") + label);
        }
        MainWindow w;
        w.show();
        Workspace* ws = w.workspace();
        ws->setImages({root + QStringLiteral("/images/") + names.front()});
        w.openFiles({shared->fp32, shared->quantized});
        ws->setDataSet(root);
        QVERIFY(QTest::qWaitFor([&] {
            return !ws->isBusy() && ws->fp32Accuracy() && !ws->runs().empty() && ws->runs().runs().front().metrics.map50;
        }, 120000));
        auto data = YoloDataset::load(root.toStdString());
        QVERIFY(data);
        EvaluationOptions options;
        options.detector.preprocess = PreprocessOptions::forModel(ws->model(Workspace::Slot::Fp32)->analyzed.model);
        auto expected = evaluateDetection(ws->model(Workspace::Slot::Fp32)->analyzed.model,
                                          &ws->model(Workspace::Slot::Quantized)->analyzed.model, *data, options);
        QVERIFY(expected);
        QCOMPARE(ws->fp32Accuracy()->map50to95, expected->fp32.accuracy.map50to95);
        QCOMPARE(*ws->runs().runs().front().metrics.map50to95, expected->quantized->accuracy.map50to95);
        QVERIFY(w.runsView()->findChild<QLabel*>() != nullptr);
        QVERIFY(ws->project().dataSet == root.toStdString());
    }

    // Presentation mode on a video made from ../shared's calibration frames: every frame looked at
    // (the clip is short), the most changed kept, each named by its frame; on the comparison
    // images, each named by its file. A file that is no video is refused, naming it.
    void presentsTheMostChangedFramesOfAVideo() {
        const auto shared = sharedYolov8n("calibration");
        if (!shared)
            QSKIP("../shared models or calibration frames not found");
        const QString video = QString::fromStdString(test::tempPath("calibration_clip.avi"));
        {
            cv::VideoWriter writer(video.toStdString(), cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 5.0, {640, 384});
            QVERIFY(writer.isOpened());
            for (const QString& f : QDir(shared->images).entryList({QStringLiteral("*.jpg")}, QDir::Files, QDir::Name)) {
                cv::Mat frame = cv::imread((shared->images + QLatin1Char('/') + f).toStdString());
                QVERIFY(!frame.empty());
                cv::resize(frame, frame, {640, 384});
                writer.write(frame);
            }
        }
        MainWindow w;
        w.show();
        Workspace* ws = w.workspace();
        ws->setImages({shared->images});
        w.openFiles({shared->fp32, shared->quantized});
        QVERIFY(waitIdle(w));
        // The window would open the presentation full screen, and a refusal in a modal box: listen
        // for the signals that drive them instead.
        ws->disconnect(&w);
        QSignalSpy ready(ws, &Workspace::presentationReady);
        ws->preparePresentation(3, video);
        QTRY_VERIFY_WITH_TIMEOUT(ready.count() == 1, 120000);
        const QList<QVariant> presented = ready.takeFirst();
        const auto slides = presented.at(0).value<QVector<PresentationSlide>>();
        QCOMPARE(slides.size(), 3);
        for (const auto& slide : slides) {
            QVERIFY2(slide.name.contains(QStringLiteral("calibration_clip.avi frame")), qPrintable(slide.name));
            QCOMPARE(slide.fp32.width(), 640);
        }
        QCOMPARE(presented.at(2).toString(), video);  // presentation mode can play it
        // The clip played through both models: frames in order, paced by the clip (5 fps: 11
        // frames in about 2.2 s, frames the models fall behind on skipped), a pause holds it.
        QSignalSpy frames(ws, &Workspace::playbackFrame);
        QSignalSpy ended(ws, &Workspace::playbackEnded);
        QElapsedTimer clock;
        clock.start();
        ws->playVideo(video);
        QTRY_VERIFY_WITH_TIMEOUT(frames.count() >= 2, 60000);
        ws->setPlaybackPaused(true);
        QTest::qWait(300);
        const int whenPaused = frames.count();
        QTest::qWait(1000);
        QVERIFY2(frames.count() <= whenPaused + 1, "at most the frame on its way arrives while paused");
        ws->setPlaybackPaused(false);
        QTRY_VERIFY_WITH_TIMEOUT(ended.count() == 1, 120000);
        QVERIFY2(clock.elapsed() >= 2000, "paced by the clip, not as fast as the models run");
        QCOMPARE(ended.takeFirst().at(0).toString(), QString());  // the end, no error
        QVERIFY(!ws->isPlaying());
        int last = -1;
        for (const auto& f : frames) {
            QVERIFY(f.at(1).toInt() > last);
            last = f.at(1).toInt();
            QCOMPARE(f.at(0).value<PresentationSlide>().fp32.width(), 640);
        }
        QVERIFY2(last >= 5, qPrintable(QStringLiteral("last frame %1 of %2 shown").arg(last).arg(frames.count())));  // into the second half of the 11 frames
        frames.clear();
        ws->playVideo(video);  // stopped from the view: no end to report
        QTRY_VERIFY_WITH_TIMEOUT(frames.count() > 0, 60000);
        ws->stopPlayback();
        QVERIFY(waitIdle(w));
        QCOMPARE(ended.count(), 0);
        // Cancelled while choosing: no presentation, no error.
        QSignalSpy errors(ws, &Workspace::errorOccurred);
        ws->preparePresentation(2);
        ws->cancel();
        QVERIFY(waitIdle(w));
        QCOMPARE(ready.count(), 0);
        QCOMPARE(errors.count(), 0);
        ws->preparePresentation(2);
        QTRY_VERIFY_WITH_TIMEOUT(ready.count() == 1, 120000);
        const auto images = ready.takeFirst().at(0).value<QVector<PresentationSlide>>();
        QCOMPARE(images.size(), 2);
        QVERIFY(images.front().name.endsWith(QStringLiteral(".jpg")));
        QSignalSpy refused(ws, &Workspace::errorOccurred);
        ws->preparePresentation(2, shared->fp32);  // an .onnx file
        QTRY_VERIFY_WITH_TIMEOUT(refused.count() == 1, 60000);
        QVERIFY2(refused.takeFirst().at(0).toString().contains(QStringLiteral("yolov8n_fp32.onnx")), "the refusal names the file");
    }

    void projectSavesAndRestoresTheSession() {
        const QString dir = imageFolder("gui_project");
        const QString projectFile = dir + QStringLiteral("/session.qlproj");
        {
            MainWindow w;
            QVERIFY(showFp32WithImages(w, dir));
            Workspace* ws = w.workspace();
            QuantizerSettings settings;
            settings.perChannel = true;
            ws->setQuantizerSettings(settings);
            ws->toggleExclusion(QStringLiteral("conv2"));
            ws->requantize();  // made in the app: the project must make it again
            QVERIFY(waitIdle(w));
            QVERIFY(ws->model(Workspace::Slot::Quantized));
            QVERIFY(w.saveProject(projectFile));
            QVERIFY(w.windowTitle().startsWith(QStringLiteral("session")));
        }
        MainWindow w;
        w.show();
        w.openFiles({projectFile});
        QVERIFY(QTest::qWaitFor([&] { return w.workspace()->model(Workspace::Slot::Quantized) != nullptr; }, 20000));
        QVERIFY(waitIdle(w));
        Workspace* ws = w.workspace();
        QCOMPARE(ws->exclusionSet(), QSet<QString>{QStringLiteral("conv2")});
        QVERIFY(ws->quantizerSettings().perChannel);
        QCOMPARE(ws->images(), QStringList{dir});
        QCOMPARE(QString::fromStdString(ws->model(Workspace::Slot::Fp32)->analyzed.model.path()), fp32Path_);
        const auto* q = ws->model(Workspace::Slot::Quantized);
        QVERIFY(q->analyzed.model.graph().isInitializer("W2"));  // re-made with conv2 excluded
        QVERIFY(!ws->undoStack()->canUndo());                      // a fresh history
        QCOMPARE(w.projectPath(), projectFile);
    }

    // The quantized model's panel (its File and Size rows) and the window title.
    static ModelSummaryView* quantizedPanel(MainWindow& w) {
        for (auto* v : w.findChildren<ModelSummaryView*>())
            if (v->parentWidget() && v->parentWidget()->objectName() == QStringLiteral("quantDock"))
                return v;
        return nullptr;
    }
    static QString row(QTreeWidget* tree, const QString& property) {
        const auto items = tree->findItems(property, Qt::MatchExactly, 0);
        return items.isEmpty() ? QString() : items.front()->text(1);
    }
    // Answers the next question box with `button`, checking it asks to save the project.
    static void answerNextQuestion(QMessageBox::StandardButton button, bool* asked) {
        QTimer::singleShot(0, [button, asked] {
            auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
            QVERIFY(box);
            QVERIFY(box->text().contains(QStringLiteral("Save the project")));
            *asked = true;
            box->button(button)->click();
        });
    }

    // Ctrl+F from a table, a dock or the detections tab goes to the graph's search field.
    void findWorksFromAnywhere() {
        MainWindow w;
        QVERIFY(showBothModels(w));
        QVERIFY(QTest::qWaitForWindowActive(&w));
        auto* panel = w.findChild<GraphPanel*>();
        QVERIFY(QTest::qWaitFor([&] { return panel->fp32View()->nodeCount() == 3; }, 20000));
        auto* tabs = w.findChild<QTabWidget*>(QStringLiteral("mainTabs"));
        QLineEdit* field = panel->fp32View()->searchField();
        QList<QWidget*> starts;
        starts << tab(w, QStringLiteral("Activations"))->view() << w.findChild<NodeDetailsView*>()->findChild<QTreeWidget*>();
        starts << w.findChild<DetectionCompareView*>();
        for (QWidget* start : starts) {
            tabs->setCurrentWidget(tabs->widget(start == starts[2] ? 3 : 1));
            start->setFocus();
            QApplication::processEvents();
            QVERIFY(tabs->currentWidget() != panel);
            QTest::keyClick(start, Qt::Key_F, Qt::ControlModifier);
            QCOMPARE(tabs->currentWidget(), static_cast<QWidget*>(panel));
            QVERIFY2(QTest::qWaitFor([&] { return QApplication::focusWidget() == field; }, 2000),
                     qPrintable(start->metaObject()->className()));
        }
        // A search that finds nothing says so beside the field; one that does selects the node.
        QTest::keyClicks(field, QStringLiteral("nothing_here"));
        QTest::keyClick(field, Qt::Key_Return);
        QVERIFY(panel->fp32View()->searchProblem().contains(QStringLiteral("nothing_here")));
        field->clear();
        QTest::keyClicks(field, QStringLiteral("relu1"));
        QTest::keyClick(field, Qt::Key_Return);
        QCOMPARE(panel->fp32View()->selectedNode(), w.workspace()->model(Workspace::Slot::Fp32)->analyzed.model.graph().findNode("relu1"));
        QCOMPARE(w.findChild<NodeDetailsView*>()->nodeName(), QStringLiteral("relu1"));
    }

    // The overview map keeps to the canvas's bottom-right corner as the window shrinks and when the
    // quantized graph opens beside the FP32 one.
    void minimapKeepsItsCorner() {
        MainWindow w;
        w.resize(1400, 860);
        QVERIFY(showBothModels(w));
        auto* panel = w.findChild<GraphPanel*>();
        panel->setSideBySide(false);
        QVERIFY(QTest::qWaitFor([&] { return panel->fp32View()->nodeCount() == 3; }, 20000));
        auto inCorner = [](GraphView* v) {
            const QRect map = v->minimapGeometry(), canvas = v->canvasGeometry();
            return !map.isEmpty() && canvas.contains(map) && std::abs(canvas.right() - map.right() - 8) <= 1 &&
                   std::abs(canvas.bottom() - map.bottom() - 8) <= 1;
        };
        QApplication::processEvents();
        QVERIFY(inCorner(panel->fp32View()));
        const int wideCanvas = panel->fp32View()->canvasGeometry().width();
        w.resize(1000, 640);
        QApplication::processEvents();
        QVERIFY(inCorner(panel->fp32View()));
        panel->setSideBySide(true);
        QVERIFY(QTest::qWaitFor([&] { return panel->quantizedView()->nodeCount() == 3; }, 20000));
        QApplication::processEvents();
        QVERIFY(panel->fp32View()->canvasGeometry().width() < wideCanvas / 2 + 40);  // it did get narrower
        QVERIFY(inCorner(panel->fp32View()));
        QVERIFY(inCorner(panel->quantizedView()));
        panel->setSideBySide(false);
    }

    // The selected node is saved in the project (checked in the file itself) and selected again in
    // the graph, the node panel, the table and the histograms after opening it, also once the
    // comparison it starts has come in.
    void projectRestoresTheSelectedNode() {
        const QString dir = imageFolder("gui_project_selection");
        const QString projectFile = dir + QStringLiteral("/selection.qlproj");
        {
            MainWindow w;
            w.show();
            w.workspace()->setImages({dir});
            w.openFiles({fp32Path_, quantPath_});
            QVERIFY(waitIdle(w));
            auto* panel = w.findChild<GraphPanel*>();
            QVERIFY(QTest::qWaitFor([&] { return panel->fp32View()->nodeCount() == 3; }, 20000));
            emit panel->nodeSelected(w.workspace()->model(Workspace::Slot::Fp32)->analyzed.model.graph().findNode("relu1"));
            QVERIFY(w.saveProject(projectFile));
        }
        QFile file(projectFile);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(QJsonDocument::fromJson(file.readAll()).object().value(QStringLiteral("selected_node")).toString(), QStringLiteral("relu1"));

        MainWindow w;
        w.show();
        w.openFiles({projectFile});
        QVERIFY(QTest::qWaitFor([&] { return w.workspace()->model(Workspace::Slot::Quantized) != nullptr; }, 20000));
        QVERIFY(waitIdle(w));
        auto* panel = w.findChild<GraphPanel*>();
        const int relu = w.workspace()->model(Workspace::Slot::Fp32)->analyzed.model.graph().findNode("relu1");
        QVERIFY(QTest::qWaitFor([&] { return panel->fp32View()->selectedNode() == relu; }, 20000));
        QVERIFY(QTest::qWaitFor([&] { return !w.workspace()->activationModel()->report().layers.empty(); }, 20000));
        QVERIFY(waitIdle(w));
        QApplication::processEvents();
        QCOMPARE(panel->fp32View()->selectedNode(), relu);  // still, after the comparison came in
        QCOMPARE(w.findChild<NodeDetailsView*>()->nodeName(), QStringLiteral("relu1"));
        auto* plot = w.findChild<HistogramPlot*>();
        QCOMPARE(plot->title(), QStringLiteral("r1"));  // relu1 writes r1
        QVERIFY(!plot->isEmpty());
        const QModelIndexList rows = tab(w, QStringLiteral("Activations"))->view()->selectionModel()->selectedRows(ActivationErrorModel::Tensor);
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows.front().data().toString(), QStringLiteral("r1"));
    }

    // Selecting another node shows its histograms, a weight's when its output was not compared,
    // and none (said in the plot's title) when it has neither: never the previous node's.
    void histogramsFollowTheSelectedNodeOrClear() {
        MainWindow w;
        QVERIFY(showBothModels(w));  // no images: weights compared, activations not
        auto* panel = w.findChild<GraphPanel*>();
        const Graph& g = w.workspace()->model(Workspace::Slot::Fp32)->analyzed.model.graph();
        auto* plot = w.findChild<HistogramPlot*>();
        emit panel->nodeSelected(g.findNode("conv1"));
        QVERIFY(!plot->isEmpty());
        QVERIFY2(plot->title().startsWith(QStringLiteral("W1")), qPrintable(plot->title()));  // the weight conv1 reads
        emit panel->nodeSelected(g.findNode("relu1"));
        QVERIFY(plot->isEmpty());
        QVERIFY2(plot->title().contains(QStringLiteral("relu1")), qPrintable(plot->title()));
        emit panel->nodeSelected(g.findNode("conv2"));
        QVERIFY2(plot->title().startsWith(QStringLiteral("W2")), qPrintable(plot->title()));
        // With a comparison, a node's own output comes first.
        const QString dir = imageFolder("gui_histograms_follow");
        w.workspace()->setImages({dir});
        w.workspace()->compareActivations();
        QVERIFY(QTest::qWaitFor([&] { return !w.workspace()->activationModel()->report().layers.empty(); }, 20000));
        QVERIFY(waitIdle(w));
        emit panel->nodeSelected(g.findNode("relu1"));
        QCOMPARE(plot->title(), QStringLiteral("r1"));
        QVERIFY(!plot->isEmpty());
        // Closing the quantized model leaves nothing to show.
        w.workspace()->closeModel(Workspace::Slot::Quantized);
        QVERIFY(plot->isEmpty());
    }

    // A model re-quantized in the app has no file: the panel and the title say where it came from
    // and its real size (that of the file it saves to), not an empty path or 0 bytes.
    void inAppModelIsNamedWithItsSize() {
        const QString dir = imageFolder("gui_in_app_model");
        MainWindow w;
        QVERIFY(showFp32WithImages(w, dir));
        w.workspace()->requantize();
        QVERIFY(waitIdle(w));
        const auto* q = w.workspace()->model(Workspace::Slot::Quantized);
        QVERIFY(q && q->analyzed.model.path().empty());
        const QString saved = QString::fromStdString(test::tempPath("gui_in_app_size.onnx"));
        QString error;
        QVERIFY2(w.workspace()->saveQuantizedModel(saved, &error), qPrintable(error));
        const qint64 bytes = QFileInfo(saved).size();
        QVERIFY(bytes > 1000);
        ModelSummaryView* view = quantizedPanel(w);
        QVERIFY(view);
        QCOMPARE(row(view, QStringLiteral("File")), QStringLiteral("re-quantized in QuantLens (not saved)"));
        const QString size = QString::fromStdString(formatBytes(static_cast<uint64_t>(bytes)));
        QCOMPARE(row(view, QStringLiteral("Size")), size);
        QVERIFY2(w.windowTitle().contains(QStringLiteral("gui_fp32.onnx vs re-quantized in QuantLens (not saved, %1)").arg(size)),
                 qPrintable(w.windowTitle()));
    }

    // A project whose quantized model was made in the app makes it again on opening, calibrating
    // on images never seen before in this process (no cached statistics to hide a cancelled
    // calibration), and after the user pressed Cancel on something else.
    void projectRemakesItsInAppModel() {
        const QString dir = imageFolder("gui_project_remake");
        cv::imwrite((dir + QStringLiteral("/b.png")).toStdString(), cv::Mat(8, 8, CV_8UC3, cv::Scalar(200, 10, 90)));
        const QString projectFile = dir + QStringLiteral("/remake.qlproj");
        QFile file(projectFile);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QStringLiteral(R"({"format": "quantlens-project", "version": 1, "fp32_model": "%1", "quantized_model": "",
                                      "requantize_on_open": true, "images": ["%2"], "selected_node": "conv2"})")
                       .arg(fp32Path_, dir).toUtf8());
        file.close();
        MainWindow w;
        w.show();
        QSignalSpy errors(w.workspace(), &Workspace::errorOccurred);
        w.workspace()->disconnect(&w);  // no dialog: the errors are counted
        w.workspace()->cancel();
        w.openProject(projectFile);
        QVERIFY(QTest::qWaitFor([&] { return w.workspace()->model(Workspace::Slot::Quantized) != nullptr || !errors.isEmpty(); }, 20000));
        QVERIFY2(errors.isEmpty(), qPrintable(errors.isEmpty() ? QString() : errors.front().front().toString()));
        QVERIFY(w.workspace()->model(Workspace::Slot::Quantized)->analyzed.model.path().empty());
    }

    // Opening another model (dropped, from Open Recent or the command line) while the re-quantized
    // one is unsaved asks first; Cancel keeps it, Discard opens the file.
    void openingAModelOverAnUnsavedOneAsks() {
        const QString dir = imageFolder("gui_open_over_unsaved");
        MainWindow w;
        QVERIFY(showFp32WithImages(w, dir));
        w.workspace()->requantize();
        QVERIFY(waitIdle(w));
        QVERIFY(w.workspace()->hasUnsavedModel());
        bool asked = false;
        answerNextQuestion(QMessageBox::Cancel, &asked);
        w.openFiles({quantPath_});
        QVERIFY(asked);
        QVERIFY(waitIdle(w));
        QVERIFY(w.workspace()->model(Workspace::Slot::Quantized)->analyzed.model.path().empty());  // still the one made here
        asked = false;
        answerNextQuestion(QMessageBox::Discard, &asked);
        w.openFiles({quantPath_});
        QVERIFY(asked);
        QVERIFY(waitIdle(w));
        QCOMPARE(QString::fromStdString(w.workspace()->model(Workspace::Slot::Quantized)->analyzed.model.path()), quantPath_);
        QVERIFY(!w.workspace()->hasUnsavedModel());
        QVERIFY(!quantizedPanel(w)->findItems(quantPath_, Qt::MatchExactly, 1).isEmpty());
    }

    void badProjectShowsAnError() {
        const QString file = QString::fromStdString(test::tempPath("broken.qlproj"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{ not a project");
        f.close();
        auto project = loadProject(file.toStdString());
        QVERIFY(!project);
        QVERIFY(QString::fromStdString(project.errorMessage()).contains(file));
    }

    void badFileShowsAnErrorAndKeepsTheWindow() {
        MainWindow w;
        QSignalSpy errors(w.workspace(), &Workspace::errorOccurred);
        // The dialog would block: listen for the signal that drives it instead.
        w.workspace()->disconnect(&w);
        w.workspace()->openModel(QStringLiteral("/nonexistent/model.onnx"));
        QVERIFY(errors.wait(5000));
        QVERIFY(errors.at(0).at(0).toString().contains(QStringLiteral("no such file")));
        QVERIFY(!w.workspace()->model(Workspace::Slot::Fp32));
    }
};

QTEST_MAIN(MainWindowTest)
#include "MainWindowTest.moc"
