// Issue 20 in the app: the Detections tab's image list ranks images by how much INT8 changed them
// and shows the one selected; clicking a box INT8 missed explains it with the backend's reason
// and scores. The models are built here: a constant Ultralytics-shaped head [1,4+3,2100] (320x320
// input) with three boxes planted at known cells, and the same graph with a Mul scaling one
// planted cell's class score by 0.1 (the "quantized" model that loses that box), as
// tests/python/check_explain_missed.py builds them. The figures checked are worked out by hand.
#include <QAbstractItemModelTester>
#include <QDir>
#include <QGraphicsView>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <fstream>

#include <opencv2/imgcodecs.hpp>

#include "BoxExplanationView.h"
#include "DetectionCompareView.h"
#include "ImageChangeModel.h"
#include "MainWindow.h"
#include "Workspace.h"
#include "detect/BoxExplanation.h"
#include "detect/Detector.h"
#include "model/ModelBuilder.h"
#include "model/OnnxModel.h"
#include "model/TensorData.h"
#include "support/TestModels.h"

using namespace ql;

namespace {

constexpr int kSize = 320;
constexpr int kClasses = 3;
constexpr int kCells = 40 * 40 + 20 * 20 + 10 * 10;  // strides 8, 16, 32

struct Plant {
    int stride, x, y, classId;
    float w, h;
};
const Plant kPlants[] = {{8, 5, 30, 0, 24, 40}, {16, 12, 4, 1, 60, 50}, {32, 8, 7, 2, 80, 70}};
constexpr int kLost = 1;  // the plant whose class score the "quantized" model scales by 0.1

int column(const Plant& p) {
    int offset = 0;
    for (const int s : {8, 16, 32}) {
        if (s == p.stride)
            return offset + p.y * (kSize / s) + p.x;
        offset += (kSize / s) * (kSize / s);
    }
    return -1;
}

// The planted box in image pixels (the letterbox of a 320x320 image is the identity).
Box plantedBox(const Plant& p) {
    const float cx = (static_cast<float>(p.x) + 0.5f) * static_cast<float>(p.stride) + 2.0f;
    const float cy = (static_cast<float>(p.y) + 0.5f) * static_cast<float>(p.stride) - 1.0f;
    return {cx - p.w / 2, cy - p.h / 2, cx + p.w / 2, cy + p.h / 2};
}

// images -> ReduceMean * 0 + head [* mask] -> output0, with the class names in the metadata.
void saveHeadModel(const std::string& path, bool loseOne) {
    std::vector<float> head(static_cast<size_t>((4 + kClasses) * kCells), 0.0f), mask(head.size(), 1.0f);
    const auto at = [](int row, int col) { return static_cast<size_t>(row * kCells + col); };
    for (const Plant& p : kPlants) {
        const Box b = plantedBox(p);
        const int j = column(p);
        head[at(0, j)] = (b.x1 + b.x2) / 2;
        head[at(1, j)] = (b.y1 + b.y2) / 2;
        head[at(2, j)] = p.w;
        head[at(3, j)] = p.h;
        head[at(4 + p.classId, j)] = 0.9f;
    }
    mask[at(4 + kPlants[kLost].classId, column(kPlants[kLost]))] = 0.1f;
    ModelBuilder b;
    b.input("images", {1, 3, kSize, kSize}).output("output0", {1, 4 + kClasses, kCells});
    b.floatInitializer("zero", {}, {0.0f});
    b.floatInitializer("head", {1, 4 + kClasses, kCells}, head);
    setAttribute(b.node("ReduceMean", {"images"}, {"m"}, "mean"), "keepdims", int64_t{0});
    b.node("Mul", {"m", "zero"}, {"m0"}, "times_zero");
    b.node("Add", {"m0", "head"}, {loseOne ? "raw" : "output0"}, "head_add");
    if (loseOne) {
        b.floatInitializer("mask", {1, 4 + kClasses, kCells}, mask);
        b.node("Mul", {"raw", "mask"}, {"output0"}, "lose_one_box");
    }
    b.metadata("names", "{0: 'ant', 1: 'bee', 2: 'cat'}");
    std::ofstream out(path, std::ios::binary);
    QVERIFY(b.build().SerializeToOstream(&out));
}

bool waitIdle(MainWindow& w) {
    return QTest::qWaitFor([&] { return !w.workspace()->isBusy(); }, 60000);
}

QString labelText(QWidget* parent, const QString& name) {
    auto* l = parent->findChild<QLabel*>(name);
    return l ? l->text() : QStringLiteral("<no label %1>").arg(name);
}

ImageChange changed(double change, size_t missed, size_t extra = 0, size_t moved = 0, double drop = 0.0) {
    ImageChange c;
    c.change = change;
    c.missed = missed;
    c.extra = extra;
    c.moved = moved;
    c.scoreDrop = drop;
    c.matched = 1;
    return c;
}

QStringList shownOrder(QTableView* table) {
    QStringList names;
    for (int r = 0; r < table->model()->rowCount(); ++r)
        names << table->model()->index(r, ImageChangeModel::Image).data().toString();
    return names;
}

}  // namespace

class BoxExplanationTest : public QObject {
    Q_OBJECT
private slots:
    // The list starts sorted by change, worst first; rows fill in as figures come; images not run
    // yet stay last; a header click sorts by that column; selecting a row asks for that image.
    void imageListSortsByChangeAndSelects() {
        DetectionCompareView view;
        view.resize(1200, 700);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QAbstractItemModelTester sourceTester(view.imageModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester proxyTester(view.imageTable()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QTableView* table = view.imageTable();
        view.setImages({QStringLiteral("/d/a.jpg"), QStringLiteral("/d/b.jpg"), QStringLiteral("/d/c.jpg"), QStringLiteral("/d/d.jpg")});
        QCOMPARE(table->model()->rowCount(), 4);
        view.setImageChange(QStringLiteral("/d/a.jpg"), changed(0.0, 0));
        view.setImageChange(QStringLiteral("/d/b.jpg"), changed(2.4, 0, 1, 1, 0.05));
        view.setImageChange(QStringLiteral("/d/c.jpg"), changed(2.1, 2));
        // d.jpg not run yet: last, with empty figures.
        QCOMPARE(shownOrder(table), (QStringList{"b.jpg", "c.jpg", "a.jpg", "d.jpg"}));
        QCOMPARE(table->model()->index(0, ImageChangeModel::Change).data().toString(), QStringLiteral("2.40"));
        QCOMPARE(table->model()->index(1, ImageChangeModel::Missed).data().toULongLong(), 2ull);
        QCOMPARE(table->model()->index(0, ImageChangeModel::ScoreDrop).data().toString(), QStringLiteral("0.050"));
        QVERIFY(table->model()->index(3, ImageChangeModel::Change).data().toString().isEmpty());
        QCOMPARE(table->horizontalHeader()->sortIndicatorSection(), int(ImageChangeModel::Change));
        QCOMPARE(table->horizontalHeader()->sortIndicatorOrder(), Qt::DescendingOrder);

        // A header click sorts by missed boxes (ascending, ties in the folder's order), d.jpg last.
        QHeaderView* header = table->horizontalHeader();
        const int x = header->sectionViewportPosition(ImageChangeModel::Missed) + header->sectionSize(ImageChangeModel::Missed) / 2;
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, QPoint(x, header->height() / 2));
        QCOMPARE(header->sortIndicatorSection(), int(ImageChangeModel::Missed));
        const QStringList byMissed = shownOrder(table);
        QCOMPARE(byMissed.last(), QStringLiteral("d.jpg"));
        QCOMPARE(byMissed.indexOf(QStringLiteral("c.jpg")), header->sortIndicatorOrder() == Qt::AscendingOrder ? 2 : 0);
        // d.jpg's figures arrive: it moves into its place.
        view.setImageChange(QStringLiteral("/d/d.jpg"), changed(9.0, 5));
        QCOMPARE(shownOrder(table).indexOf(QStringLiteral("d.jpg")), header->sortIndicatorOrder() == Qt::AscendingOrder ? 3 : 0);

        // Selecting a row (a click on it) asks for that image.
        QSignalSpy activated(&view, &DetectionCompareView::imageActivated);
        const int row = shownOrder(table).indexOf(QStringLiteral("c.jpg"));
        const QRect cell = table->visualRect(table->model()->index(row, ImageChangeModel::Image));
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, cell.center());
        QCOMPARE(activated.count(), 1);
        QCOMPARE(activated.at(0).at(0).toString(), QStringLiteral("/d/c.jpg"));
        QCOMPARE(view.currentImage(), QStringLiteral("/d/c.jpg"));
        // Its figures changing (the image run again) asks for nothing more.
        view.setImageChange(QStringLiteral("/d/c.jpg"), changed(0.5, 0));
        QCOMPARE(activated.count(), 1);
        QCOMPARE(view.currentImage(), QStringLiteral("/d/c.jpg"));
    }

    // The whole app on the planted models: both images run into the list with the figures worked
    // out by hand; the missed box is drawn dashed; clicking it explains it with the reason and
    // scores the backend's explainImage gives on that image, and 0.9 / 0.09 as planted.
    void clickingAMissedBoxExplainsIt() {
        const QString dir = QString::fromStdString(test::tempPath("boxapp"));
        QDir().mkpath(dir + QStringLiteral("/images"));
        const std::string fp32Path = (dir + QStringLiteral("/planted_fp32.onnx")).toStdString();
        const std::string lossyPath = (dir + QStringLiteral("/planted_lose_one.onnx")).toStdString();
        saveHeadModel(fp32Path, false);
        saveHeadModel(lossyPath, true);
        const QString grey = dir + QStringLiteral("/images/grey.png"), dark = dir + QStringLiteral("/images/dark.png");
        QVERIFY(cv::imwrite(grey.toStdString(), cv::Mat(kSize, kSize, CV_8UC3, cv::Scalar(114, 114, 114))));
        QVERIFY(cv::imwrite(dark.toStdString(), cv::Mat(kSize, kSize, CV_8UC3, cv::Scalar(20, 20, 20))));

        MainWindow w;
        w.resize(1400, 900);
        w.show();
        w.showTab(QStringLiteral("detections"));
        Workspace* ws = w.workspace();
        QSignalSpy ready(ws, &Workspace::detectionReady);
        ws->setImages({dir + QStringLiteral("/images")});
        ws->openModel(QString::fromStdString(fp32Path), Workspace::Slot::Fp32);
        QVERIFY(waitIdle(w));
        ws->openModel(QString::fromStdString(lossyPath), Workspace::Slot::Quantized);
        QTRY_VERIFY_WITH_TIMEOUT(ready.count() >= 1, 60000);
        QVERIFY(waitIdle(w));
        auto* view = w.findChild<DetectionCompareView*>();
        QVERIFY(view);

        // Both images in the list, run: 1 missed, 2 pairs with IoU 1 (change 1 + 0 + 0), no score lost.
        QTRY_COMPARE_WITH_TIMEOUT(view->imageModel()->imagesRun(), 2, 60000);
        for (const QString& image : {grey, dark}) {
            const auto c = view->imageModel()->change(image);
            QVERIFY(c);
            QCOMPARE(c->missed, size_t{1});
            QCOMPARE(c->matched, size_t{2});
            QCOMPARE(c->extra + c->moved, size_t{0});
            QVERIFY(std::abs(c->change - 1.0) < 1e-6);
            QVERIFY(std::abs(c->scoreDrop) < 1e-6);
        }
        // Selecting the other row shows the other image.
        const QString first = view->currentImage();
        const QString other = first == grey ? dark : grey;
        ready.clear();
        QVERIFY(view->selectImage(other));
        QTRY_VERIFY_WITH_TIMEOUT(ready.count() == 1, 60000);
        QCOMPARE(ready.at(0).at(0).toString(), other);
        QVERIFY(waitIdle(w));

        // The missed box is the planted one, marked in the FP32 picture.
        const Box lost = plantedBox(kPlants[kLost]);
        const DetectionComparison& boxes = view->boxes();
        QCOMPARE(boxes.match.missed.size(), size_t{1});
        const Box& missed = boxes.fp32[static_cast<size_t>(boxes.match.missed[0])].box;
        QVERIFY(std::abs(missed.x1 - lost.x1) < 0.01f && std::abs(missed.y2 - lost.y2) < 0.01f);

        // A click on it (in the FP32 view's pixels) explains it.
        QSignalSpy explained(ws, &Workspace::boxExplained);
        QGraphicsView* left = view->fp32View();
        const QPoint at = left->mapFromScene(QPointF((lost.x1 + lost.x2) / 2, (lost.y1 + lost.y2) / 2));
        QTest::mouseClick(left->viewport(), Qt::LeftButton, {}, at);
        QTRY_VERIFY_WITH_TIMEOUT(explained.count() == 1, 60000);
        QVERIFY(waitIdle(w));
        BoxExplanationView* panel = view->explanationView();
        QVERIFY(panel->isVisible());
        const BoxExplanation* shown = panel->current();
        QVERIFY(shown);

        // The backend on its own, on the same image and models.
        auto fp32Model = OnnxModel::load(fp32Path);
        auto lossyModel = OnnxModel::load(lossyPath);
        QVERIFY(fp32Model && lossyModel);
        DetectorOptions options;
        options.preprocess = PreprocessOptions::forModel(*fp32Model);
        options.decode.expectedClasses = kClasses;
        auto f = Detector::create(*fp32Model, options);
        auto q = Detector::create(*lossyModel, options);
        QVERIFY(f && q);
        ExplainTarget target;
        target.box = lost;
        auto bgr = readImageBgr(other.toStdString());
        QVERIFY(bgr);
        auto expected = explainImage(*f, *q, *bgr, target);
        QVERIFY2(expected, expected ? "" : expected.errorMessage().c_str());
        QCOMPARE(expected->boxes.size(), size_t{1});
        const BoxExplanation& e = expected->boxes[0];

        QCOMPARE(shown->outcome, e.outcome);
        QCOMPARE(shown->detail, e.detail);
        QCOMPARE(shown->fp32At.classScore, e.fp32At.classScore);
        QCOMPARE(shown->quantizedAt.classScore, e.quantizedAt.classScore);
        // As planted: 0.9 in FP32, 0.9 * 0.1 in INT8, under the 0.25 confidence; stride 16, cell (12, 4).
        QCOMPARE(e.outcome, BoxOutcome::ScoreUnderThreshold);
        QVERIFY(std::abs(e.fp32At.classScore - 0.9f) < 1e-6f && std::abs(e.quantizedAt.classScore - 0.09f) < 1e-6f);
        QCOMPARE(e.cell.stride, 16);
        QCOMPARE(e.cell.x, 12);
        QCOMPARE(e.cell.y, 4);
        QCOMPARE(e.cell.index, column(kPlants[kLost]));

        // What the panel says, in words.
        const QString reason = labelText(panel, QStringLiteral("explanationReason"));
        QVERIFY2(reason.contains(QString::fromStdString(outcomeName(e.outcome))), qPrintable(reason));
        QVERIFY2(reason.contains(QString::fromStdString(e.detail).toHtmlEscaped()), qPrintable(reason));
        const QString origin = labelText(panel, QStringLiteral("explanationOrigin"));
        QVERIFY2(origin.contains(QStringLiteral("stride 16")) && origin.contains(QStringLiteral("cell x 12, y 4")) &&
                     origin.contains(QStringLiteral("output index %1").arg(column(kPlants[kLost]))),
                 qPrintable(origin));
        QCOMPARE(labelText(panel, QStringLiteral("reading_1_0")), QStringLiteral("bee score"));
        QCOMPARE(labelText(panel, QStringLiteral("reading_1_1")), QStringLiteral("0.900"));
        QCOMPARE(labelText(panel, QStringLiteral("reading_1_2")), QStringLiteral("0.090"));
        QCOMPARE(labelText(panel, QStringLiteral("reading_4_1")), QStringLiteral("172 46 232 96"));  // hand: 202±30, 71±25

        // "Explain missed boxes" explains the same box, the only one changed.
        auto* button = view->findChild<QPushButton*>(QStringLiteral("explainMissedButton"));
        QVERIFY(button && button->isEnabled());
        explained.clear();
        button->click();
        QTRY_VERIFY_WITH_TIMEOUT(explained.count() == 1, 60000);
        QVERIFY(waitIdle(w));
        QCOMPARE(panel->explanation().boxes.size(), size_t{1});
        QCOMPARE(panel->current()->outcome, BoxOutcome::ScoreUnderThreshold);
        QCOMPARE(panel->current()->fp32Index, boxes.match.missed[0]);

        // Another image closes it: it was about this one.
        QVERIFY(view->selectImage(first));
        QTRY_VERIFY_WITH_TIMEOUT(!panel->isVisible(), 60000);
        QVERIFY(waitIdle(w));
    }
};

QTEST_MAIN(BoxExplanationTest)
#include "BoxExplanationTest.moc"
