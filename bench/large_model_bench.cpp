// A generated model of about 10,000 nodes (24 stages of nested bottleneck blocks with PyTorch-style
// module paths, see LargeModel.h) from file to its first picture: load, structure analysis,
// grouping and the Graphviz layout of the default grouped view; then opening a group and closing it
// again, as the graph view does. With --flat, also the old layout of the whole graph at once.
// Usage: large_model_bench [nodes] [--save PATH] [--flat] [--model PATH]
//   --save PATH   keeps the generated model there (open it in the app: quantlens PATH)
//   --model PATH  times a model file instead of the generated one (e.g. scripts/make_large_yolo.py's
//                 16 copies of yolov8n, FP32 or quantized; a Q/DQ model's pairs are folded, as the
//                 app shows them)
#include <cstring>
#include <filesystem>
#include <iostream>

#include "BenchCommon.h"
#include "LargeModel.h"
#include "inspect/AnalyzedModel.h"
#include "layout/GraphGroups.h"
#include "layout/GraphLayout.h"
#include "layout/GroupLayout.h"

using namespace ql;

int main(int argc, char** argv) {
    int target = 10000;
    std::string save;
    std::string given;
    bool flat = false;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--save") && i + 1 < argc)
            save = argv[++i];
        else if (!std::strcmp(argv[i], "--model") && i + 1 < argc)
            given = argv[++i];
        else if (!std::strcmp(argv[i], "--flat"))
            flat = true;
        else
            target = std::stoi(argv[i]);
    }
    const std::string path = !given.empty() ? given
                             : save.empty() ? (std::filesystem::temp_directory_path() / "quantlens_large_model.onnx").string()
                                            : save;
    if (given.empty())
        if (auto st = OnnxModel::fromProto(bench::makeLargeModel(target), "large")->save(path); !st) {
            std::cerr << st.errorMessage() << "\n";
            return 1;
        }
    auto start = std::chrono::steady_clock::now();
    auto model = AnalyzedModel::load(path);
    const double load = bench::secondsSince(start);
    if (!model) {
        std::cerr << model.errorMessage() << "\n";
        return 1;
    }
    const Graph& graph = model->model.graph();
    const QdqStructure* qdq = model->qdq.dequantizeLinearCount == 0 ? nullptr : &model->qdq;  // folded, as the app shows it
    start = std::chrono::steady_clock::now();
    const GroupTree tree = groupGraph(graph, qdq);
    const OpenGroups open = defaultView(tree);
    const double grouping = bench::secondsSince(start);
    GroupLayoutCache cache;
    start = std::chrono::steady_clock::now();
    auto first = layoutGroups(graph, tree, open, cache);
    const double lay = bench::secondsSince(start);
    if (!first) {
        std::cerr << first.errorMessage() << "\n";
        return 1;
    }
    std::printf("%s model: %d nodes (%d shown), %zu groups (depth %d), %.1f MB\n", given.empty() ? "generated" : path.c_str(),
                graph.nodeCount(), tree.shownNodes, tree.groups.size() - 1,
                tree.maxDepth, static_cast<double>(std::filesystem::file_size(path)) / (1 << 20));
    std::printf("  load + graph + shape inference + Q/DQ analysis: %.2f s\n", load);
    std::printf("  grouping + default view: %.3f s (%zu boxes on show)\n", grouping, visibleItems(tree, open).size());
    std::printf("  layout of the default view: %.3f s (%zu boxes and frames, %zu edges)\n", lay, first->items.size(), first->edges.size());
    std::printf("time to first view: %.2f s\n", load + grouping + lay);

    // Opening: the first closed group of the middle stage, then a whole top-level stage from the
    // view with only the stages shown; each timed cold (not in the cache) and closed again (cached).
    double worstOpen = 0.0;
    auto openAndClose = [&](const OpenGroups& base, int group, const char* what) {
        OpenGroups opened = base;
        opened.insert(group);
        auto t0 = std::chrono::steady_clock::now();
        auto layout = layoutGroups(graph, tree, opened, cache);
        const double openS = bench::secondsSince(t0);
        t0 = std::chrono::steady_clock::now();
        auto closed = layoutGroups(graph, tree, base, cache);
        const double closeS = bench::secondsSince(t0);
        if (!layout || !closed) {
            std::cerr << "layout failed\n";
            std::exit(1);
        }
        worstOpen = std::max(worstOpen, openS);
        std::printf("  open %s %s (%zu nodes): %.3f s, %zu boxes; close it again: %.3f s\n", what,
                    tree.groups[static_cast<size_t>(group)].path.c_str(), tree.groups[static_cast<size_t>(group)].nodes.size(), openS,
                    layout->items.size(), closeS);
    };
    const auto items = visibleItems(tree, open);
    int block = -1;
    for (size_t k = items.size() / 2; k < items.size() && block < 0; ++k)
        if (items[k].isGroup)
            block = items[k].index;
    if (block > 0)
        openAndClose(open, block, "a block");
    const OpenGroups stagesOnly = openToDepth(tree, 1);
    (void)layoutGroups(graph, tree, stagesOnly, cache);
    const int stage = tree.groups[0].children[tree.groups[0].children.size() / 2].index;
    openAndClose(stagesOnly, stage, "a stage");
    std::printf("time to open a group: %.3f s\n", worstOpen);
    if (flat) {
        start = std::chrono::steady_clock::now();
        auto whole = layoutGraph(graph);
        std::printf("  the whole graph by Graphviz dot at once (before groups): %.2f s, %zu boxes\n", bench::secondsSince(start),
                    whole ? whole->nodes.size() : 0);
    }
    std::printf("  peak memory: %.0f MiB\n", bench::peakRssMiB());
    if (save.empty() && given.empty())
        std::filesystem::remove(path);
    else if (given.empty())
        std::printf("  saved: %s\n", path.c_str());
    return 0;
}
