// The graph view as a person uses it: the overview map stays in the bottom-right corner whatever
// the size, Fit keeps the selected node selected and in sight, and a search that finds nothing
// says so in the window, not only in a status bar. A graph over the node budget opens grouped:
// groups open and close (double-click, keys) with the view kept on them, a search opens the groups
// on the way, a group's summary and exclusion count its nodes (figures worked out by hand), and
// the FP32 and quantized graphs side by side keep the same groups open.
#include <QApplication>
#include <QGraphicsItem>
#include <QGraphicsView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QTest>

#include <QCheckBox>
#include <QSignalSpy>
#include <QTreeWidget>

#include "GraphPanel.h"
#include "GraphView.h"
#include "MainWindow.h"
#include "NodeDetailsView.h"
#include "Workspace.h"
#include "model/ModelBuilder.h"
#include "inspect/QdqStructure.h"
#include "layout/GraphLayout.h"
#include "model/OnnxModel.h"
#include "support/TestModels.h"

using namespace ql;

namespace {

// x -> relu0 -> relu1 -> ... -> relu{n-1} -> y: a graph far taller than any window.
std::shared_ptr<OnnxModel> chain(int n) {
    ModelBuilder b;
    b.input("x", {1, 4}).output("t" + std::to_string(n - 1), {1, 4});
    std::string in = "x";
    for (int i = 0; i < n; ++i) {
        const std::string out = "t" + std::to_string(i);
        b.node("Relu", {in}, {out}, "relu" + std::to_string(i));
        in = out;
    }
    auto model = OnnxModel::fromProto(b.build(), "chain");
    return model ? std::make_shared<OnnxModel>(std::move(model).value()) : nullptr;
}

// Three stages "/s.i/" of three blocks "/s.i/b.j/" of a Relu and a Sigmoid: 18 nodes, 12 groups.
// `qdq`: every Relu reads its input through a QuantizeLinear/DequantizeLinear pair, as a quantized
// model does (named as ONNX Runtime names them, outside the module paths' nodes).
onnx::ModelProto nested(bool qdq) {
    ModelBuilder b;
    b.input("x", {1, 4});
    std::string in = "x";
    int pairs = 0;
    for (int s = 0; s < 3; ++s)
        for (int j = 0; j < 3; ++j) {
            const std::string p = "/s." + std::to_string(s) + "/b." + std::to_string(j) + "/";
            std::string read = in;
            if (qdq) {
                const std::string t = "p" + std::to_string(pairs++);
                b.floatInitializer(t + "_scale", {}, {0.05f});
                onnx::TensorProto zp;
                zp.set_name(t + "_zp");
                zp.set_data_type(onnx::TensorProto::UINT8);
                zp.set_raw_data(std::string(1, '\0'));
                b.initializer(zp);
                b.node("QuantizeLinear", {in, t + "_scale", t + "_zp"}, {t + "_q"}, in + "_QuantizeLinear");
                b.node("DequantizeLinear", {t + "_q", t + "_scale", t + "_zp"}, {t + "_dq"}, in + "_DequantizeLinear");
                read = t + "_dq";
            }
            b.node("Relu", {read}, {p + "relu"}, p + "Relu");
            b.node("Sigmoid", {p + "relu"}, {p + "sig"}, p + "Sigmoid");
            in = p + "sig";
        }
    b.output(in, {1, 4});
    return b.build();
}

std::shared_ptr<OnnxModel> nestedModel() {
    auto model = OnnxModel::fromProto(nested(false), "nested");
    return model ? std::make_shared<OnnxModel>(std::move(model).value()) : nullptr;
}

QGraphicsView* canvasOf(GraphView& v) { return v.findChild<QGraphicsView*>(QStringLiteral("graphCanvas")); }

// The node item drawn for `name` (its tooltip starts with "Relu\nname").
QGraphicsItem* itemNamed(GraphView& v, const QString& name) {
    for (QGraphicsItem* item : canvasOf(v)->scene()->items())
        if (item->toolTip().section(QLatin1Char('\n'), 1, 1) == name)
            return item;
    return nullptr;
}

bool onScreen(GraphView& v, QGraphicsItem* item) {
    QGraphicsView* canvas = canvasOf(v);
    const QRect shown = canvas->mapFromScene(item->sceneBoundingRect()).boundingRect();
    return canvas->viewport()->rect().contains(shown);
}

// The map's bottom-right corner is 8 px inside the canvas's, and the map lies within the canvas.
QString cornerProblem(const GraphView& v) {
    const QRect map = v.minimapGeometry(), canvas = v.canvasGeometry();
    if (map.isEmpty())
        return QStringLiteral("no map shown");
    const int right = canvas.right() - map.right(), bottom = canvas.bottom() - map.bottom();
    if (std::abs(right - 8) > 1 || std::abs(bottom - 8) > 1 || !canvas.contains(map))
        return QStringLiteral("map %1,%2 %3x%4 in canvas %5x%6 (gaps right %7, bottom %8)")
            .arg(map.x()).arg(map.y()).arg(map.width()).arg(map.height())
            .arg(canvas.width()).arg(canvas.height()).arg(right).arg(bottom);
    return {};
}

}  // namespace

class GraphViewTest : public QObject {
    Q_OBJECT
    std::shared_ptr<OnnxModel> model_ = chain(60);

    bool show(GraphView& v, QSize size) {
        v.resize(size);
        v.show();
        v.setGraph(model_, &model_->graph(), nullptr);
        return QTest::qWaitFor([&] { return v.nodeCount() == 60; }, 20000);
    }

private slots:
    void minimapStaysInTheCornerOnResize() {
        QVERIFY(model_);
        GraphView v;
        QVERIFY(show(v, {700, 500}));
        QApplication::processEvents();
        QVERIFY2(cornerProblem(v).isEmpty(), qPrintable(cornerProblem(v)));
        for (QSize size : {QSize(420, 300), QSize(1200, 900), QSize(300, 800)}) {
            v.resize(size);
            QApplication::processEvents();
            QVERIFY2(cornerProblem(v).isEmpty(), qPrintable(QStringLiteral("%1x%2: ").arg(size.width()).arg(size.height()) + cornerProblem(v)));
        }
    }

    void fitKeepsTheSelectedNodeSelectedAndInSight() {
        GraphView v;
        QVERIFY(show(v, {600, 400}));
        const int deep = model_->graph().findNode("relu50");
        v.selectNode(deep);
        QGraphicsItem* item = itemNamed(v, QStringLiteral("relu50"));
        QVERIFY(item);
        QVERIFY(onScreen(v, item));  // selectNode shows it
        canvasOf(v)->scale(3, 3);    // zoomed in, elsewhere
        canvasOf(v)->centerOn(0, 0);
        QVERIFY(!onScreen(v, item));
        v.fit();
        QCOMPARE(v.selectedNode(), deep);
        QVERIFY(onScreen(v, item));
        QTest::keyClick(canvasOf(v), Qt::Key_F);  // the F key fits the same way
        QCOMPARE(v.selectedNode(), deep);
        QVERIFY(onScreen(v, item));
        // With nothing selected, Fit shows the top of the graph (the inputs).
        canvasOf(v)->scene()->clearSelection();
        v.fit();
        QVERIFY(onScreen(v, itemNamed(v, QStringLiteral("relu0"))));
    }

    void aFailedSearchSaysSoInTheField() {
        GraphView v;
        QVERIFY(show(v, {600, 400}));
        QLineEdit* field = v.searchField();
        const QColor normal = field->palette().color(QPalette::Base);
        v.focusSearch();
        QVERIFY(QTest::qWaitFor([&] { return field->hasFocus(); }, 2000) || QApplication::focusWidget() == field);
        QTest::keyClicks(field, QStringLiteral("no_such_node"));
        QTest::keyClick(field, Qt::Key_Return);
        QVERIFY(v.searchProblem().contains(QStringLiteral("no_such_node")));
        auto* label = v.findChild<QLabel*>(QStringLiteral("searchProblem"));
        QVERIFY(label && label->isVisible());
        QVERIFY(field->toolTip().contains(QStringLiteral("no_such_node")));
        const QColor red = field->palette().color(QPalette::Base);
        QVERIFY2(red.red() - red.green() >= 40 && red.red() - red.blue() >= 40, qPrintable(red.name()));
        QVERIFY(v.selectedNode() < 0);
        // Typing again takes the warning away; a name that exists is found and selected.
        field->clear();
        QTest::keyClicks(field, QStringLiteral("relu42"));
        QVERIFY(v.searchProblem().isEmpty());
        QCOMPARE(field->palette().color(QPalette::Base), normal);
        QTest::keyClick(field, Qt::Key_Return);
        QCOMPARE(v.selectedNode(), model_->graph().findNode("relu42"));
        QVERIFY(onScreen(v, itemNamed(v, QStringLiteral("relu42"))));
        // A tensor name finds the node that writes it.
        QVERIFY(v.search(QStringLiteral("t7")));
        QCOMPARE(v.selectedNode(), model_->graph().findNode("relu7"));
    }

    // --- groups -------------------------------------------------------------------------------

    // Budget 10 and 18 nodes: the stages (3 boxes) fit, the blocks (9 boxes) fit, the nodes do not.
    bool showNested(GraphView& v, const std::shared_ptr<OnnxModel>& m, int budget = 10) {
        v.resize(900, 700);
        v.show();
        v.setNodeBudget(budget);
        v.setGraph(m, &m->graph(), nullptr);
        return QTest::qWaitFor([&] { return v.nodeCount() + v.groupCount() > 0 && !v.isRelayingOut(); }, 20000);
    }

    static QGraphicsItem* groupBox(GraphView& v, const QString& path) {
        for (QGraphicsItem* item : canvasOf(v)->scene()->items())
            if (item->toolTip().startsWith(path + QLatin1Char('\n')))
                return item;
        return nullptr;
    }

    void aGraphOverTheBudgetOpensGroupedAndOneWithinItFlat() {
        auto m = nestedModel();
        QVERIFY(m);
        GraphView v;
        QVERIFY(showNested(v, m));
        QVERIFY(v.isGrouped());
        QCOMPARE(v.nodeCount(), 0);
        QCOMPARE(v.groupCount(), 9);  // the nine blocks, inside the three open stages
        QCOMPARE(v.openGroupPaths().size(), 3);
        QVERIFY(v.isGroupOpen(QStringLiteral("/s.1/")));
        QVERIFY(!v.isGroupOpen(QStringLiteral("/s.1/b.2/")));
        QVERIFY(v.minimapGeometry().isValid());  // the map shows the grouped picture too
        GraphView flat;
        QVERIFY(showNested(flat, m, 1500));
        QVERIFY(!flat.isGrouped());
        QCOMPARE(flat.nodeCount(), 18);
        QCOMPARE(flat.groupCount(), 0);
    }

    void groupsOpenAndCloseWithTheViewKeptOnThem() {
        auto m = nestedModel();
        GraphView v;
        QVERIFY(showNested(v, m));
        QGraphicsView* canvas = canvasOf(v);
        QGraphicsItem* box = groupBox(v, QStringLiteral("/s.2/b.1/"));
        QVERIFY(box);
        QSignalSpy changed(&v, &GraphView::openGroupsChanged);
        // Where the other boxes are before it opens (scene coordinates).
        std::map<QString, QRectF> before;
        for (const char* p : {"/s.0/b.0/", "/s.1/b.2/", "/s.2/b.0/", "/s.2/b.2/"})
            before[QString::fromLatin1(p)] = groupBox(v, QString::fromLatin1(p))->sceneBoundingRect();
        const QRectF closedRect = box->sceneBoundingRect();
        // Double-click opens it: two nodes in its place, the rest still closed.
        canvas->centerOn(box);
        const QPoint at = canvas->mapFromScene(box->sceneBoundingRect().center());
        QTest::mouseDClick(canvas->viewport(), Qt::LeftButton, {}, at);
        QVERIFY(changed.wait(10000));
        QVERIFY(v.isGroupOpen(QStringLiteral("/s.2/b.1/")));
        QCOMPARE(v.nodeCount(), 2);
        QCOMPARE(v.groupCount(), 8);
        QGraphicsItem* frame = groupBox(v, QStringLiteral("/s.2/b.1/"));
        QVERIFY(frame && frame->isSelected());
        QVERIFY(canvas->viewport()->rect().intersects(canvas->mapFromScene(frame->sceneBoundingRect()).boundingRect()));
        QVERIFY(onScreen(v, itemNamed(v, QStringLiteral("/s.2/b.1/Relu"))));
        // The rest kept its place: the opened frame grew from the closed box's top-left corner;
        // boxes above it or left of it did not move, those below it moved straight down by its
        // growth in height (and right by its growth in width if right of it).
        const QRectF openRect = frame->sceneBoundingRect();
        QCOMPARE(openRect.topLeft(), closedRect.topLeft());
        const double dw = openRect.width() - closedRect.width(), dh = openRect.height() - closedRect.height();
        QVERIFY(dh > 0);
        for (const auto& [path, r] : before) {
            const QRectF now = groupBox(v, path)->sceneBoundingRect();
            const double ex = r.left() >= closedRect.right() - 0.1 ? dw : 0.0, ey = r.top() >= closedRect.bottom() - 0.1 ? dh : 0.0;
            QVERIFY2(std::abs(now.left() - r.left() - ex) < 0.01 && std::abs(now.top() - r.top() - ey) < 0.01,
                     qPrintable(QStringLiteral("%1 moved from (%2, %3) to (%4, %5)").arg(path).arg(r.left()).arg(r.top()).arg(now.left()).arg(now.top())));
        }
        QCOMPARE(groupBox(v, QStringLiteral("/s.0/b.0/"))->sceneBoundingRect(), before[QStringLiteral("/s.0/b.0/")]);  // above: still
        // Backspace closes the group around the selection.
        canvas->setFocus();
        QTest::keyClick(canvas, Qt::Key_Backspace);
        QVERIFY(changed.wait(10000));
        QVERIFY(!v.isGroupOpen(QStringLiteral("/s.2/b.1/")));
        QCOMPARE(v.nodeCount(), 0);
        QCOMPARE(v.groupCount(), 9);
        // Arrows walk the boxes, groups and nodes alike: down from /s.0/b.2/ is /s.1/b.0/.
        v.selectGroup(v.groups()->findGroup("/s.0/b.2/"));
        QTest::keyClick(canvas, Qt::Key_Down);
        QCOMPARE(v.selectedGroup(), v.groups()->findGroup("/s.1/b.0/"));
        QTest::keyClick(canvas, Qt::Key_Up);
        QCOMPARE(v.selectedGroup(), v.groups()->findGroup("/s.0/b.2/"));
        // Enter on a selected closed group opens it; expanding to depth 1 closes the stages.
        v.selectGroup(v.groups()->findGroup("/s.0/b.0/"));
        QTest::keyClick(canvas, Qt::Key_Return);
        QVERIFY(changed.wait(10000));
        QVERIFY(v.isGroupOpen(QStringLiteral("/s.0/b.0/")));
        v.expandToDepth(1);
        QVERIFY(changed.wait(10000));
        QCOMPARE(v.groupCount(), 3);
        QCOMPARE(v.nodeCount(), 0);
        v.expandToDepth(3);  // everything open: all 18 nodes
        QVERIFY(changed.wait(10000));
        QCOMPARE(v.nodeCount(), 18);
        QCOMPARE(v.groupCount(), 0);
    }

    void searchOpensTheGroupsOnTheWay() {
        auto m = nestedModel();
        GraphView v;
        QVERIFY(showNested(v, m));
        v.expandToDepth(1);  // only the stages
        QSignalSpy changed(&v, &GraphView::openGroupsChanged);
        QVERIFY(changed.wait(10000));
        QSignalSpy selected(&v, &GraphView::nodeSelected);
        QVERIFY(v.search(QStringLiteral("/s.1/b.2/Sig")));
        QVERIFY(changed.wait(10000));
        const int node = m->graph().findNode("/s.1/b.2/Sigmoid");
        QCOMPARE(v.selectedNode(), node);
        QVERIFY(!selected.isEmpty() && selected.last().at(0).toInt() == node);
        QVERIFY(v.isGroupOpen(QStringLiteral("/s.1/")) && v.isGroupOpen(QStringLiteral("/s.1/b.2/")));
        QVERIFY(!v.isGroupOpen(QStringLiteral("/s.0/")));
        QVERIFY(onScreen(v, itemNamed(v, QStringLiteral("/s.1/b.2/Sigmoid"))));
        // A name inside no group at all is still refused with the reason.
        QVERIFY(!v.search(QStringLiteral("nothing_like_it")));
        QVERIFY(!v.searchProblem().isEmpty());
    }

    void aGroupSummarisesAndExcludesItsQuantizableNodes() {
        auto m = nestedModel();
        GraphView v;
        QVERIFY(showNested(v, m));
        const Graph& g = m->graph();
        const int block = v.groups()->findGroup("/s.0/b.1/"), stage = v.groups()->findGroup("/s.0/");
        // Heat by hand: every Relu 10, every Sigmoid 30 except /s.0/b.1/Sigmoid at 5.
        std::map<int, NodeHeat> heat;
        for (int n = 0; n < g.nodeCount(); ++n)
            heat[n] = {g.node(n).opType == "Relu" ? 10.0 : 30.0, QString()};
        heat[g.findNode("/s.0/b.1/Sigmoid")] = {5.0, QString()};
        v.setHeatMap(heat, HeatScale{QStringLiteral("SQNR"), 10, 40, QStringLiteral("bad"), QStringLiteral("ok"), QStringLiteral("good")});
        v.setExcluded({QStringLiteral("/s.0/b.1/Relu"), QStringLiteral("/s.2/b.0/Relu")});
        GroupSummary s = v.groupSummary(block);
        QCOMPARE(s.nodes, 2);
        QCOMPARE(s.worst, 5.0);
        QCOMPARE(s.median, 5.0);  // the lower of 5 and 10
        QCOMPARE(s.excluded, 1);
        s = v.groupSummary(stage);  // 10 10 10 30 30 5: sorted 5 10 10 10 30 30, lower median 10
        QCOMPARE(s.nodes, 6);
        QCOMPARE(s.worst, 5.0);
        QCOMPARE(s.median, 10.0);
        QCOMPARE(s.excluded, 1);
        // The box says so.
        QGraphicsItem* box = groupBox(v, QStringLiteral("/s.0/b.1/"));
        QVERIFY(box);
        QVERIFY2(box->toolTip().contains(QStringLiteral("worst 5.0")) && box->toolTip().contains(QStringLiteral("1 excluded")),
                 qPrintable(box->toolTip()));
        // With the metric's unit: the scale writes its values, the box shows them so.
        HeatScale db{QStringLiteral("SQNR"), 10, 40, QStringLiteral("bad"), QStringLiteral("ok"), QStringLiteral("good"),
                     [](double x) { return QStringLiteral("%1 dB").arg(x, 0, 'f', 1); }};
        QSignalSpy heatChanged(&v, &GraphView::heatChanged);
        v.setHeatMap(heat, db);
        QCOMPARE(heatChanged.size(), 1);
        box = groupBox(v, QStringLiteral("/s.0/b.1/"));
        QVERIFY2(box->toolTip().contains(QStringLiteral("worst 5.0 dB")) && box->toolTip().contains(QStringLiteral("median 5.0 dB")),
                 qPrintable(box->toolTip()));
        // E on the selected group excludes its quantizable nodes (here: the Relus) in one request.
        v.setQuantizableOps({QStringLiteral("Relu")});
        QSignalSpy requested(&v, &GraphView::exclusionsRequested);
        v.selectGroup(v.groups()->findGroup("/s.1/b.0/"));
        QCOMPARE(v.selectedGroup(), v.groups()->findGroup("/s.1/b.0/"));
        QTest::keyClick(canvasOf(v), Qt::Key_E);
        QCOMPARE(requested.size(), 1);
        QCOMPARE(requested.at(0).at(0).toStringList(), QStringList{QStringLiteral("/s.1/b.0/Relu")});
        QCOMPARE(requested.at(0).at(1).toBool(), true);
        // All excluded already: E includes them again.
        v.setExcluded({QStringLiteral("/s.1/b.0/Relu")});
        QTest::keyClick(canvasOf(v), Qt::Key_E);
        QCOMPARE(requested.size(), 2);
        QCOMPARE(requested.at(1).at(1).toBool(), false);
    }

    // Real models within the budget open flat, node for node where Graphviz puts them in the whole
    // graph's layout, as before groups existed; also folded (the full-graph QDQ YOLO11n).
    void realYoloModelsWithinTheBudgetOpenFlatAsBefore() {
        if (!test::sharedDataDir())
            QSKIP("../shared not found");
        for (const auto& [rel, fold] : {std::pair<std::string, bool>{"models/yolov8n_fp32.onnx", false},
                                        std::pair<std::string, bool>{"models/yolo11n_320_qdq_fullgraph.onnx", true}}) {
            const auto path = test::sharedFile(rel);
            QVERIFY(path);
            auto loaded = OnnxModel::load(*path);
            QVERIFY(loaded);
            auto m = std::make_shared<OnnxModel>(std::move(loaded).value());
            auto qdq = QdqStructure::analyze(m->graph());
            QVERIFY(qdq);
            const QdqStructure* folded = fold ? &*qdq : nullptr;
            GraphView v;
            v.resize(900, 700);
            v.show();
            v.setGraph(m, &m->graph(), folded);
            QVERIFY(QTest::qWaitFor([&] { return v.nodeCount() > 0; }, 60000));
            QVERIFY(!v.isGrouped());
            QCOMPARE(v.groupCount(), 0);
            auto expected = layoutGraph(m->graph(), folded);
            QVERIFY(expected);
            QCOMPARE(v.nodeCount(), static_cast<int>(expected->nodes.size()));
            QVERIFY(v.groups()->groups.size() > 10);  // it has groups, all open
            for (const auto& n : expected->nodes) {
                QGraphicsItem* item = itemNamed(v, QString::fromStdString(m->graph().node(n.node).name));
                QVERIFY2(item, m->graph().node(n.node).name.c_str());
                const QPointF c = item->sceneBoundingRect().center();
                QVERIFY2(std::abs(c.x() - n.x) < 0.01 && std::abs(c.y() - n.y) < 0.01, m->graph().node(n.node).name.c_str());
            }
        }
    }

    void sideBySideGraphsKeepTheSameGroupsOpen() {
        QCoreApplication::setOrganizationName(QStringLiteral("QuantLensTest"));
        const QString fp32Path = QString::fromStdString(test::tempPath("nested_fp32.onnx"));
        const QString quantPath = QString::fromStdString(test::tempPath("nested_qdq.onnx"));
        QVERIFY(OnnxModel::fromProto(nested(false), "fp32")->save(fp32Path.toStdString()));
        QVERIFY(OnnxModel::fromProto(nested(true), "quant")->save(quantPath.toStdString()));
        MainWindow w;
        auto* panel = w.findChild<GraphPanel*>();
        QVERIFY(panel);
        panel->setNodeBudget(10);
        w.show();
        w.openFiles({fp32Path, quantPath});
        panel->setSideBySide(true);
        GraphView* fp32 = panel->fp32View();
        GraphView* quant = panel->quantizedView();
        // Q/DQ folded: 18 nodes on both sides, both grouped the same way.
        QVERIFY(QTest::qWaitFor([&] { return fp32->groupCount() == 9 && quant->groupCount() == 9 && !quant->isRelayingOut(); }, 30000));
        QCOMPARE(quant->groups()->shownNodes, 18);
        QCOMPARE(quant->openGroupPaths(), fp32->openGroupPaths());
        // Opening a group on one side opens it on the other.
        fp32->setGroupOpen(QStringLiteral("/s.1/b.1/"), true);
        QVERIFY(QTest::qWaitFor([&] { return quant->isGroupOpen(QStringLiteral("/s.1/b.1/")) && quant->nodeCount() == 2; }, 10000));
        quant->setGroupOpen(QStringLiteral("/s.0/"), false);
        QVERIFY(QTest::qWaitFor([&] { return !fp32->isGroupOpen(QStringLiteral("/s.0/")) && fp32->groupCount() == 6; }, 10000));
        // Selecting a node inside a closed group of the quantized side opens it there as well.
        panel->selectFp32Node(fp32->graph()->findNode("/s.2/b.2/Sigmoid"));
        QVERIFY(QTest::qWaitFor([&] { return quant->selectedNode() >= 0 && fp32->selectedNode() >= 0; }, 10000));
        QCOMPARE(quant->graph()->label(quant->selectedNode()), std::string("/s.2/b.2/Sigmoid"));
        QVERIFY(quant->isGroupOpen(QStringLiteral("/s.2/b.2/")));
        // A group selected on the quantized side: the node panel shows its summary, and its tick box
        // excludes the group's quantizable nodes (Relu and Sigmoid here: all six of /s.1/) by their
        // FP32 names, in one undo step.
        auto* details = w.findChild<NodeDetailsView*>();
        QVERIFY(details);
        QVERIFY(QTest::qWaitFor([&] { return !quant->isRelayingOut() && !fp32->isRelayingOut(); }, 10000));
        quant->selectGroup(quant->groups()->findGroup("/s.1/"));
        QCOMPARE(details->groupPath(), QStringLiteral("/s.1/"));
        auto* tree = details->findChild<QTreeWidget*>();
        const auto rows = tree->findItems(QStringLiteral("Nodes"), Qt::MatchExactly);
        QVERIFY(!rows.isEmpty());
        QCOMPARE(rows.first()->text(1), QStringLiteral("6"));
        auto* box = details->findChild<QCheckBox*>();
        QVERIFY(box && box->isEnabled() && !box->isChecked());
        Workspace* ws = w.workspace();
        const int steps = ws->undoStack()->count();
        box->click();
        QCOMPARE(ws->exclusions().size(), size_t(6));
        QVERIFY(ws->isExcluded(QStringLiteral("/s.1/b.2/Sigmoid")));
        QCOMPARE(ws->undoStack()->count(), steps + 1);
        QVERIFY(box->isChecked());
        QCOMPARE(quant->groupSummary(quant->groups()->findGroup("/s.1/")).excluded, 6);  // both sides show it
        QCOMPARE(fp32->groupSummary(fp32->groups()->findGroup("/s.1/b.0/")).excluded, 2);
        ws->undoStack()->undo();
        QVERIFY(ws->exclusions().empty());
        QVERIFY(!box->isChecked());
        // New heat values (another metric, say) and the panel's figures follow, in the metric's
        // unit: the worst of /s.1/ set by hand to 7.5, its lower median 20.
        const Graph& g = *fp32->graph();
        std::map<int, NodeHeat> heat;
        for (int n = 0; n < g.nodeCount(); ++n)
            heat[n] = {g.node(n).opType == "Relu" ? 20.0 : 30.0, QString()};
        heat[g.findNode("/s.1/b.1/Relu")] = {7.5, QString()};
        fp32->setHeatMap(heat, HeatScale{QStringLiteral("Test SQNR"), 10, 40, QStringLiteral("bad"), QStringLiteral("ok"),
                                         QStringLiteral("good"), [](double x) { return QStringLiteral("%1 dB").arg(x, 0, 'f', 1); }});
        QCOMPARE(details->groupPath(), QStringLiteral("/s.1/"));
        auto valueOf = [&](const QString& row) {
            for (QTreeWidgetItem* item : tree->findItems(QStringLiteral("*"), Qt::MatchWildcard))
                if (item->text(0).startsWith(row))
                    return item->text(1);
            return QString();
        };
        QCOMPARE(valueOf(QStringLiteral("Worst")), QStringLiteral("7.5 dB"));
        QCOMPARE(valueOf(QStringLiteral("Median")), QStringLiteral("20.0 dB"));  // 7.5 20 20 30 30 30: lower median 20
        // View > Expand All Groups to Depth: 1 leaves only the stages, on both sides.
        auto* depthMenu = w.findChild<QMenu*>(QStringLiteral("expandDepthMenu"));
        QVERIFY(depthMenu);
        emit depthMenu->aboutToShow();
        QAction* one = nullptr;
        for (QAction* a : depthMenu->actions())
            if (a->text() == QStringLiteral("1"))
                one = a;
        QVERIFY(one);
        one->trigger();
        QVERIFY(QTest::qWaitFor([&] { return fp32->groupCount() == 3 && quant->groupCount() == 3 && !quant->isRelayingOut(); }, 10000));
        QCOMPARE(fp32->nodeCount(), 0);
    }
};

QTEST_MAIN(GraphViewTest)
#include "GraphViewTest.moc"
