// The graph view as a person uses it: the overview map stays in the bottom-right corner whatever
// the size, Fit keeps the selected node selected and in sight, and a search that finds nothing
// says so in the window, not only in a status bar.
#include <QApplication>
#include <QGraphicsItem>
#include <QGraphicsView>
#include <QLabel>
#include <QLineEdit>
#include <QTest>

#include "GraphView.h"
#include "model/ModelBuilder.h"
#include "model/OnnxModel.h"

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
};

QTEST_MAIN(GraphViewTest)
#include "GraphViewTest.moc"
