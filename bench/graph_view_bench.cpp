// How the graph view copes with a big graph: Graphviz layout (off the GUI thread in the app),
// building the scene, and drawing frames at fit-to-width zoom, zoomed all the way out and while
// scrolling. Usage: graph_view_bench [nodes] (default 3000; 10000 takes minutes to lay out).
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
    auto* canvas = view.findChild<QGraphicsView*>(QStringLiteral("graphCanvas"));
    std::printf("graph view, %d nodes\n", view.nodeCount());
    std::printf("  layout (background) + scene: %.2f s\n", layoutAndScene);
    std::printf("  frame at fit-to-width:  %.1f ms\n", frameMs(canvas, 10, 0));
    std::printf("  frame while scrolling:  %.1f ms\n", frameMs(canvas, 20, 120));
    canvas->resetTransform();
    canvas->scale(0.02, 0.02);  // the whole graph at once
    std::printf("  frame zoomed out (all): %.1f ms\n", frameMs(canvas, 5, 0));
    std::printf("  peak memory: %.0f MiB\n", bench::peakRssMiB());
    return 0;
}
