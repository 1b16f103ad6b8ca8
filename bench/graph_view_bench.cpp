// How the graph view copes with a big graph: grouping and Graphviz layout of the first view (off
// the GUI thread in the app), building the scene, drawing frames at fit-to-width zoom, zoomed all
// the way out and while scrolling, and opening a group (background layout + new scene).
// Usage: graph_view_bench [nodes] (default 3000; graphs over 1,500 nodes open grouped).
#include <QApplication>
#include <QGraphicsView>
#include <QScrollBar>
#include <QSignalSpy>
#include <chrono>
#include <cstdio>

#include "BenchCommon.h"
#include "GraphView.h"
#include "LargeModel.h"
#include "inspect/AnalyzedModel.h"

using namespace ql;

namespace {

// Median milliseconds to draw one frame of the view's viewport.
double frameMs(QGraphicsView* view, int frames, int scrollStep) {
    std::vector<double> times;
    for (int i = 0; i < frames; ++i) {
        if (scrollStep)
            view->verticalScrollBar()->setValue(view->verticalScrollBar()->value() + scrollStep);
        const auto start = std::chrono::steady_clock::now();
        view->viewport()->grab();
        times.push_back(bench::secondsSince(start) * 1000.0);
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const int target = argc > 1 ? std::atoi(argv[1]) : 3000;
    auto model = AnalyzedModel::analyze(std::move(OnnxModel::fromProto(bench::makeLargeModel(target), "large")).value());
    if (!model) {
        std::fprintf(stderr, "%s\n", model.errorMessage().c_str());
        return 1;
    }
    auto shared = std::make_shared<AnalyzedModel>(std::move(model).value());
    GraphView view;
    view.resize(1200, 900);
    view.show();
    QSignalSpy laidOut(&view, &GraphView::layoutFinished);
    auto start = std::chrono::steady_clock::now();
    view.setGraph(shared, &shared->model.graph(), nullptr);
    if (!laidOut.wait(30 * 60 * 1000)) {
        std::fprintf(stderr, "layout did not finish\n");
        return 1;
    }
    const double layoutAndScene = bench::secondsSince(start);
    // A heat value on every node, as after a comparison: the group boxes summarise them.
    std::map<int, NodeHeat> heat;
    for (int n = 0; n < shared->model.graph().nodeCount(); ++n)
        heat[n] = {static_cast<double>(n % 41), QString()};
    start = std::chrono::steady_clock::now();
    view.setHeatMap(heat, HeatScale{QStringLiteral("SQNR (dB)"), 10, 40, QStringLiteral("10"), QStringLiteral("25"), QStringLiteral("40")});
    const double colouring = bench::secondsSince(start);
    auto* canvas = view.findChild<QGraphicsView*>(QStringLiteral("graphCanvas"));
    std::printf("graph view, %d-node model: %d node boxes, %d closed groups on show\n", shared->model.graph().nodeCount(),
                view.nodeCount(), view.groupCount());
    std::printf("  grouping + layout (background) + scene: %.2f s\n", layoutAndScene);
    std::printf("  heat map on every node and group: %.3f s\n", colouring);
    std::printf("  frame at fit-to-width:  %.1f ms\n", frameMs(canvas, 10, 0));
    std::printf("  frame while scrolling:  %.1f ms\n", frameMs(canvas, 20, 120));
    canvas->resetTransform();
    canvas->scale(0.02, 0.02);  // the whole graph at once
    std::printf("  frame zoomed out (all): %.1f ms\n", frameMs(canvas, 5, 0));
    if (view.groups() && view.groups()->groups.size() > 1) {
        // A closed group in the middle: open it as a double-click does, until its picture is shown.
        const auto items = visibleItems(*view.groups(), [&] {
            OpenGroups open;
            for (const QString& p : view.openGroupPaths())
                open.insert(view.groups()->findGroup(p.toStdString()));
            return open;
        }());
        int group = -1;
        for (size_t k = items.size() / 2; k < items.size() && group < 0; ++k)
            if (items[k].isGroup)
                group = items[k].index;
        if (group > 0) {
            QSignalSpy opened(&view, &GraphView::openGroupsChanged);
            const QString path = QString::fromStdString(view.groups()->groups[static_cast<size_t>(group)].path);
            start = std::chrono::steady_clock::now();
            view.setGroupOpen(path, true);
            opened.wait(60000);
            std::printf("  open a group (%s): %.3f s, then %d node boxes\n", qPrintable(path), bench::secondsSince(start), view.nodeCount());
            std::printf("  frame with it open:     %.1f ms\n", frameMs(canvas, 10, 0));
        }
    }
    std::printf("  peak memory: %.0f MiB\n", bench::peakRssMiB());
    return 0;
}
