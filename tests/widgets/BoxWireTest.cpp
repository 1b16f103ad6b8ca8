// Issue 20 items 3-5 in the app: where the explained box was lost (the per-layer trace in the
// explanation panel, its jump selected in the graph and tables), "fix this box" (the suggestion
// and a new run with it) and the report's page for the box with the layer where it was lost.
// The model is made here to lose one box through one badly quantized layer, as
// tests/python/check_explain_suggest.py builds it: an Ultralytics-shaped head [1,4+3,2100] (320x320)
// of four Convs on planted constants, /head/cls/conv2 passing the class scores on and making a
// fourth channel of 255 that is sliced off. Quantized (Conv only, uint8, MinMax) that channel
// gives conv2's output a scale of 1: 0.9 rounds to 1, the third box's 0.4 to 0, so the quantized
// model loses exactly that box, at that layer, and leaving /head/cls/conv2 float brings it back.
// The truths checked are these by construction, and the backend's own answers where the app only
// shows them (the trace's jump, explainImage's scores).
#include <QDir>
#include <QFile>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableWidget>
#include <QTest>
#include <fstream>

#include <opencv2/imgcodecs.hpp>

#include "ActivationErrorModel.h"
#include "BoxExplanationView.h"
#include "BoxSections.h"
#include "DetectionCompareView.h"
#include "GraphPanel.h"
#include "GraphView.h"
#include "LayerTable.h"
#include "MainWindow.h"
#include "Workspace.h"
#include "analysis/BoxTrace.h"
#include "detect/BoxExplanation.h"
#include "detect/Detector.h"
#include "model/ModelBuilder.h"
#include "model/OnnxModel.h"
#include "preprocess/ImagePreprocessor.h"
#include "quantize/Calibrator.h"
#include "quantize/QdqQuantizer.h"
#include "support/TestModels.h"

using namespace ql;

namespace {

constexpr int kSize = 320;
constexpr int kCells = 40 * 40 + 20 * 20 + 10 * 10;
struct Plant {
    int stride, x, y, classId;
    float w, h, score;
};
const Plant kPlants[] = {{8, 5, 30, 0, 24, 40, 0.9f}, {16, 12, 4, 1, 60, 50, 0.4f}, {32, 8, 7, 2, 80, 70, 0.9f}};
constexpr int kLost = 1;
const char* kBad = "/head/cls/conv2";

int column(const Plant& p) {
    int offset = 0;
    for (const int s : {8, 16, 32}) {
        if (s == p.stride)
            return offset + p.y * (kSize / s) + p.x;
        offset += (kSize / s) * (kSize / s);
    }
    return -1;
}

Box plantedBox(const Plant& p) {
    const float cx = static_cast<float>(static_cast<int>((p.x + 0.5) * p.stride) + 2);
    const float cy = static_cast<float>(static_cast<int>((p.y + 0.5) * p.stride) - 1);
    return {cx - p.w / 2, cy - p.h / 2, cx + p.w / 2, cy + p.h / 2};
}

onnx::TensorProto int64s(const std::string& name, const std::vector<int64_t>& values) {
    onnx::TensorProto t;
    t.set_name(name);
    t.set_data_type(onnx::TensorProto::INT64);
    t.add_dims(static_cast<int64_t>(values.size()));
    for (const int64_t v : values)
        t.add_int64_data(v);
    return t;
}

// The head, level by level: strides 8 and 32 are planted constants added to the (zeroed) input
// mean and flattened; stride 16, where the lost box lives, is made of maps: a box branch (a 1x1
// identity Conv on planted coordinates, one cell of 255 so that its uint8 scale is exactly 1) and a
// class branch: /head/cls/conv1 (identity on the planted score 0.4) and /head/cls/conv2, which
// passes the scores on but also reads an extra channel that is 1 at one far cell (0, 19) and
// subtracts 255 there. That far -255 (no detection: a negative score) stretches conv2's uint8
// range to [-255, 0.4]: its scale is about 1 and 0.4 rounds to 0. No other layer loses anything.
onnx::ModelProto badLayerHead() {
    const auto level = [](int stride) { return kSize / stride; };
    ModelBuilder b;
    b.input("images", {1, 3, kSize, kSize}).output("output0", {1, 7, kCells});
    b.floatInitializer("zero", {}, {0.0f});
    setAttribute(b.node("ReduceMean", {"images"}, {"m"}, "/stem/mean"), "keepdims", int64_t{1});
    b.node("Mul", {"m", "zero"}, {"m0"}, "/stem/times_zero");
    std::vector<std::string> flattened;
    for (const int stride : {8, 16, 32}) {
        const int n = level(stride);
        const std::string s = std::to_string(stride);
        std::vector<float> maps(static_cast<size_t>(7 * n * n), 0.0f);
        const auto at = [n](int c, int x, int y) { return static_cast<size_t>((c * n + y) * n + x); };
        for (const Plant& p : kPlants)
            if (p.stride == stride) {
                const Box box = plantedBox(p);
                maps[at(0, p.x, p.y)] = (box.x1 + box.x2) / 2;
                maps[at(1, p.x, p.y)] = (box.y1 + box.y2) / 2;
                maps[at(2, p.x, p.y)] = p.w;
                maps[at(3, p.x, p.y)] = p.h;
                maps[at(4 + p.classId, p.x, p.y)] = p.score;
            }
        b.initializer(int64s("flat" + s, {1, 7, static_cast<int64_t>(n) * n}));
        if (stride != 16) {
            b.floatInitializer("level" + s, {1, 7, n, n}, maps);
            b.node("Add", {"m0", "level" + s}, {"p" + s}, "/head/level" + s + "/add");
            b.node("Reshape", {"p" + s, "flat" + s}, {"f" + s}, "/head/level" + s + "/flatten");
            flattened.push_back("f" + s);
            continue;
        }
        std::vector<float> boxes(maps.begin(), maps.begin() + 4 * n * n), scores(maps.begin() + 4 * n * n, maps.end());
        boxes[at(0, n - 1, n - 1)] = 255.0f;  // the box range: 0..255 exactly (a cell with no class score)
        std::vector<float> far(static_cast<size_t>(n * n), 0.0f);
        far[static_cast<size_t>((n - 1) * n + 0)] = 1.0f;  // cell x 0, y 19
        std::vector<float> eye4(16, 0.0f), eye3(9, 0.0f), w2(12, 0.0f);
        for (int i = 0; i < 4; ++i)
            eye4[static_cast<size_t>(i * 5)] = 1.0f;
        for (int i = 0; i < 3; ++i) {
            eye3[static_cast<size_t>(i * 4)] = 1.0f;
            w2[static_cast<size_t>(i * 4 + i)] = 1.0f;  // class i from c1's channel i
            w2[static_cast<size_t>(i * 4 + 3)] = -255.0f;  // minus 255 where the far channel is 1
        }
        b.floatInitializer("box16", {1, 4, n, n}, boxes).floatInitializer("cls16", {1, 3, n, n}, scores);
        b.floatInitializer("far16", {1, 1, n, n}, far);
        b.floatInitializer("w_box", {4, 4, 1, 1}, eye4).floatInitializer("b_box", {4}, std::vector<float>(4, 0.0f));
        b.floatInitializer("w_cls1", {3, 3, 1, 1}, eye3).floatInitializer("b_cls1", {3}, std::vector<float>(3, 0.0f));
        b.floatInitializer("w_cls2", {3, 4, 1, 1}, w2).floatInitializer("b_cls2", {3}, std::vector<float>(3, 0.0f));
        b.node("Add", {"m0", "box16"}, {"box_in"}, "/head/box/add");
        b.node("Add", {"m0", "cls16"}, {"cls_in"}, "/head/cls/add");
        b.node("Add", {"m0", "far16"}, {"far_in"}, "/head/far/add");
        b.node("Conv", {"box_in", "w_box", "b_box"}, {"box"}, "/head/box/conv");
        b.node("Conv", {"cls_in", "w_cls1", "b_cls1"}, {"c1"}, "/head/cls/conv1");
        setAttribute(b.node("Concat", {"c1", "far_in"}, {"c1far"}, "/head/cls/with_far"), "axis", int64_t{1});
        b.node("Conv", {"c1far", "w_cls2", "b_cls2"}, {"cls"}, kBad);
        setAttribute(b.node("Concat", {"box", "cls"}, {"p16"}, "/head/level16/concat"), "axis", int64_t{1});
        b.node("Reshape", {"p16", "flat16"}, {"f16"}, "/head/level16/flatten");
        flattened.push_back("f16");
    }
    setAttribute(b.node("Concat", flattened, {"output0"}, "/head/concat"), "axis", int64_t{2});
    b.metadata("names", "{0: 'ant', 1: 'bee', 2: 'cat'}");
    return b.build();
}

struct Files {
    QString dir, fp32, qdq, image, calibration;
};

// The FP32 model, its Conv-only uint8 MinMax QDQ version calibrated on three random images, and
// a grey image to explain.
Files makeFiles() {
    Files f;
    f.dir = QString::fromStdString(test::tempPath("boxwire"));
    f.calibration = f.dir + QStringLiteral("/calibration");
    QDir().mkpath(f.calibration);
    QDir().mkpath(f.dir + QStringLiteral("/images"));
    f.fp32 = f.dir + QStringLiteral("/bad_layer_fp32.onnx");
    f.qdq = f.dir + QStringLiteral("/bad_layer_qdq.onnx");
    f.image = f.dir + QStringLiteral("/images/grey320.png");
    cv::imwrite(f.image.toStdString(), cv::Mat(kSize, kSize, CV_8UC3, cv::Scalar(114, 114, 114)));
    std::vector<std::string> calibration;
    cv::RNG rng(7);
    for (int k = 0; k < 3; ++k) {
        cv::Mat m(kSize, kSize, CV_8UC3);
        rng.fill(m, cv::RNG::UNIFORM, 0, 255);
        calibration.push_back((f.calibration + QStringLiteral("/c%1.png").arg(k)).toStdString());
        cv::imwrite(calibration.back(), m);
    }
    auto fp32 = OnnxModel::fromProto(badLayerHead(), "bad_layer_fp32.onnx");
    if (!fp32 || !fp32->save(f.fp32.toStdString()))
        return {};
    CalibrationOptions options;
    options.preprocess = PreprocessOptions::forModel(*fp32);
    auto data = calibrate(*fp32, calibration, options);
    if (!data)
        return {};
    QuantizerSettings settings;
    settings.opTypesToQuantize = {"Conv"};
    auto q = quantizeQdq(*fp32, *data, settings);
    if (!q || !q->model.save(f.qdq.toStdString(), {f.fp32.toStdString()}))
        return {};
    return f;
}

bool waitIdle(MainWindow& w, int ms = 120000) {
    return QTest::qWaitFor([&] { return !w.workspace()->isBusy(); }, ms);
}

// The main window on the two models, the grey image shown in the Detections tab.
void openModels(MainWindow& w, const Files& f) {
    Workspace* ws = w.workspace();
    QSignalSpy ready(ws, &Workspace::detectionReady);
    ws->setImages({f.dir + QStringLiteral("/images")});
    ws->setCalibrationImages({f.calibration});
    ws->openModel(f.fp32, Workspace::Slot::Fp32);
    QVERIFY(waitIdle(w));
    ws->openModel(f.qdq, Workspace::Slot::Quantized);
    QTRY_VERIFY_WITH_TIMEOUT(ready.count() >= 1, 60000);
    QVERIFY(waitIdle(w));
}

// The backend's own trace of the lost box on the image.
Result<BoxTrace> backendTrace(const Files& f, const GridCell& cell, YoloLayout layout) {
    auto fp32 = OnnxModel::load(f.fp32.toStdString());
    auto qdq = OnnxModel::load(f.qdq.toStdString());
    if (!fp32 || !qdq)
        return Error{"cannot load the models"};
    auto af = AnalyzedModel::analyze(std::move(fp32).value());
    auto aq = AnalyzedModel::analyze(std::move(qdq).value());
    if (!af || !aq)
        return Error{"cannot analyze the models"};
    auto bgr = readImageBgr(f.image.toStdString());
    if (!bgr)
        return bgr.error();
    auto prepared = ImagePreprocessor(PreprocessOptions::forModel(af->model)).prepare(*bgr);
    if (!prepared)
        return prepared.error();
    auto capture = TraceCapture::run(*af, *aq, "output0", *prepared, TraceCapture::Scope::Trace, {});
    if (!capture)
        return capture.error();
    return capture->trace(cell, layout);
}

}  // namespace

class BoxWireTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        files_ = makeFiles();
        QVERIFY2(!files_.qdq.isEmpty(), "the test models could not be made");
    }

    // The missed box explained: the trace section lists the layers with the backend's jump marked
    // (the bad layer, by construction), selected in the graph and the Activations table; a double
    // click on another row selects that layer instead.
    void traceMarksTheBadLayer() {
        MainWindow w;
        w.resize(1600, 1000);
        w.show();
        w.showTab(QStringLiteral("detections"));
        openModels(w, files_);
        Workspace* ws = w.workspace();
        auto* view = w.findChild<DetectionCompareView*>();
        QVERIFY(view);
        QCOMPARE(view->boxes().match.missed.size(), size_t{1});

        QSignalSpy traced(ws, &Workspace::boxesTraced);
        ws->explainBoxes(files_.image);
        QTRY_VERIFY_WITH_TIMEOUT(traced.count() == 1, 120000);
        QVERIFY(waitIdle(w));
        BoxExplanationView* panel = view->explanationView();
        const BoxExplanation* shown = panel->current();
        QVERIFY(shown);
        QVERIFY(shown->missed);
        QCOMPARE(shown->cell.stride, kPlants[kLost].stride);
        QCOMPARE(shown->cell.x, kPlants[kLost].x);
        QCOMPARE(shown->cell.y, kPlants[kLost].y);

        auto expected = backendTrace(files_, shown->cell, panel->explanation().layout);
        QVERIFY2(expected, expected ? "" : expected.errorMessage().c_str());
        QVERIFY(expected->jumpLayer >= 0);
        QCOMPARE(QString::fromStdString(expected->layers[static_cast<size_t>(expected->jumpLayer)].node), QString::fromLatin1(kBad));

        auto* trace = panel->findChild<BoxTraceView*>();
        QVERIFY(trace && trace->isVisible());
        QTableWidget* table = trace->table();
        QCOMPARE(table->rowCount(), static_cast<int>(expected->layers.size()));
        QCOMPARE(trace->markedRow(), expected->jumpLayer);
        const int jump = expected->jumpLayer;
        QVERIFY(table->item(jump, 0)->text().contains(QString::fromLatin1(kBad)));
        QVERIFY(table->item(jump, 0)->font().bold());
        QCOMPARE(table->currentRow(), jump);
        for (int r = 0; r < table->rowCount(); ++r) {
            const TracedLayer& l = expected->layers[static_cast<size_t>(r)];
            QVERIFY(table->item(r, 0)->text().endsWith(QString::fromStdString(l.node)));
            QCOMPARE(table->item(r, 1)->text(), QString::fromStdString(l.op));
            QCOMPARE(table->item(r, 3)->text(), QString::fromStdString(formatDb(l.local.sqnrDb)));
            QCOMPARE(table->item(r, 4)->text(), QString::fromStdString(formatDb(l.whole.sqnrDb)));
            QCOMPARE(table->item(r, 0)->font().bold(), r == jump);
        }
        // The jump's layer selected in the graph and the Activations table.
        auto* graph = w.findChild<GraphPanel*>();
        QVERIFY(graph);
        const auto* fp32 = ws->model(Workspace::Slot::Fp32);
        const int badNode = fp32->analyzed.model.graph().findNode(kBad);
        QTRY_COMPARE_WITH_TIMEOUT(graph->fp32View()->selectedNode(), badNode, 10000);
        LayerTable* activations = nullptr;
        auto* tabs = w.findChild<QTabWidget*>(QStringLiteral("mainTabs"));
        for (int i = 0; tabs && i < tabs->count(); ++i)
            if (tabs->tabText(i) == QStringLiteral("Activations"))
                activations = qobject_cast<LayerTable*>(tabs->widget(i));
        QVERIFY(activations);
        const auto& layers = ws->activationModel()->report().layers;
        QVERIFY(activations->currentSourceRow() >= 0 && activations->currentSourceRow() < static_cast<int>(layers.size()));
        QCOMPARE(fp32->analyzed.model.graph().producer(layers[static_cast<size_t>(activations->currentSourceRow())].fp32Name),
                 badNode);

        // Double-clicking another traced layer's row selects it instead.
        int other = -1;
        for (int r = 0; r < table->rowCount(); ++r)
            if (r != jump && expected->layers[static_cast<size_t>(r)].order >= 0)
                other = r;
        QVERIFY(other >= 0);
        const QString otherNode = QString::fromStdString(expected->layers[static_cast<size_t>(other)].node);
        table->scrollToItem(table->item(other, 0));
        const QRect cell = table->visualItemRect(table->item(other, 1));
        QSignalSpy activated(trace, &BoxTraceView::layerActivated);
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, cell.center());  // QAbstractItemView wants the press
        QTest::mouseDClick(table->viewport(), Qt::LeftButton, {}, cell.center());
        QCOMPARE(activated.count(), 1);
        QCOMPARE(activated.at(0).at(0).toString(), otherNode);
        QTRY_COMPARE_WITH_TIMEOUT(graph->fp32View()->selectedNode(), fp32->analyzed.model.graph().findNode(otherNode.toStdString()), 10000);
    }

    // "Suggest Exclusions for This Box": the suggestion names the bad layer; applied, it makes a
    // new run whose detection of the image finds the box again. Then the app's report has the box's
    // page with explain's scores and the layer where it was lost.
    void fixThisBoxAndReport() {
        MainWindow w;
        w.resize(1600, 1000);
        w.show();
        w.showTab(QStringLiteral("detections"));
        openModels(w, files_);
        Workspace* ws = w.workspace();
        auto* view = w.findChild<DetectionCompareView*>();
        QSignalSpy traced(ws, &Workspace::boxesTraced);
        ws->explainBoxes(files_.image);
        QTRY_VERIFY_WITH_TIMEOUT(traced.count() == 1, 120000);
        QVERIFY(waitIdle(w));
        const BoxExplanation shown = *view->explanationView()->current();
        const ImageExplanation explanation = view->explanationView()->explanation();

        // The report first, while the quantized model is still the one that loses the box.
        const QString html = files_.dir + QStringLiteral("/report.html");
        QFile::remove(html);
        QSignalSpy written(ws, &Workspace::reportWritten);
        ws->exportReport(html);
        QTRY_VERIFY_WITH_TIMEOUT(written.count() == 1, 120000);
        QVERIFY(waitIdle(w));
        QFile file(html);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString report = QString::fromUtf8(file.readAll());
        QVERIFY2(report.contains(QStringLiteral("Why INT8 lost a box: bee %1 in grey320.png").arg(shown.fp32.score, 0, 'f', 3)),
                 "no page for the explained box");
        QVERIFY(report.contains(QStringLiteral("<td class=\"num score-fp32\">%1</td>").arg(shown.fp32.score, 0, 'f', 3)));
        QVERIFY(report.contains(QStringLiteral("<td class=\"num score-int8\">%1</td>").arg(shown.quantizedAt.classScore, 0, 'f', 3)));
        QVERIFY2(report.contains(QStringLiteral("Lost at layer: %1 (Conv)").arg(QString::fromLatin1(kBad))), "no lost-at layer");
        // By construction: FP32 0.4, INT8 0 (0.4 rounds to 0 at scale 1).
        QCOMPARE(QString::number(shown.fp32.score, 'f', 3), QStringLiteral("0.400"));
        QCOMPARE(QString::number(shown.quantizedAt.classScore, 'f', 3), QStringLiteral("0.000"));

        auto* fix = view->explanationView()->findChild<BoxFixView*>();
        QVERIFY(fix && fix->isVisible());
        QVERIFY(fix->suggestButton()->isEnabled());
        QSignalSpy fixed(ws, &Workspace::boxFixReady);
        fix->suggestButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(fixed.count() == 1, 300000);
        QVERIFY(waitIdle(w, 300000));
        const auto& result = ws->lastBoxFix();
        QVERIFY(result);
        QCOMPARE(result->added, (std::vector<std::string>{kBad}));
        QVERIFY2(fix->resultText().contains(QString::fromLatin1(kBad)), qPrintable(fix->resultText()));
        QVERIFY(fix->applyButton()->isVisible());
        // The box is found again after the step: at least the confidence, IoU at least 0.8.
        const RecoveredBox& after = result->after().score.boxes.at(0);
        QVERIFY2(BoxFixView::foundAgain(after, ws->detectionConfidence()), qPrintable(fix->resultText()));

        // Applied: a new run with the bad layer left float, whose detection of the image finds the box.
        const int runsBefore = static_cast<int>(ws->runs().runs().size());
        QSignalSpy requantized(ws, &Workspace::requantized);
        QSignalSpy detected(ws, &Workspace::detectionReady);
        fix->applyButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(requantized.count() == 1, 300000);
        QVERIFY(waitIdle(w, 300000));
        QVERIFY(static_cast<int>(ws->runs().runs().size()) > runsBefore);
        QVERIFY(ws->isExcluded(QString::fromLatin1(kBad)));
        if (detected.isEmpty())
            ws->detect(files_.image);
        QTRY_VERIFY_WITH_TIMEOUT(!detected.isEmpty(), 120000);
        QVERIFY(waitIdle(w));
        const DetectionComparison& boxes = ws->detectedBoxes();
        QVERIFY2(boxes.match.missed.empty(), "the box is still missed");
        const Box lost = plantedBox(kPlants[kLost]);
        bool found = false;
        for (const auto& d : boxes.quantized)
            found = found || (d.classId == kPlants[kLost].classId && iou(d.box, lost) > 0.8f);
        QVERIFY(found);
        // One undo step takes the exclusions back.
        ws->undoStack()->undo();
        QVERIFY(!ws->isExcluded(QString::fromLatin1(kBad)));
    }

private:
    Files files_;
};

QTEST_MAIN(BoxWireTest)
#include "BoxWireTest.moc"
