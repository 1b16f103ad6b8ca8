// The operator graph, laid out by Graphviz (off the GUI thread), drawn with QGraphicsView:
// zoom with the wheel, pan by dragging, fit, search by name, a minimap, keyboard navigation
// (arrows follow the edges), nodes coloured by an error metric with a legend, Q/DQ pairs shown
// as marks on the edges, excluded nodes hatched, and a context menu that excludes a node, its
// module, everything downstream of it or a rubber-band selection (Shift+drag).
#pragma once

#include <QFutureWatcher>
#include <QGraphicsView>
#include <QSet>
#include <map>
#include <memory>

#include "layout/GraphLayout.h"

class QLineEdit;
class QLabel;
class QToolButton;

namespace ql {

class GraphMinimap;
class GraphScene;
class NodeItem;

// How heat-map values become colours: `bad` and below red, `good` and above green. Values are
// oriented so that higher is better; the legend shows the three labels.
struct HeatScale {
    QString title;
    double bad = 10.0;
    double good = 40.0;
    QString badLabel, middleLabel, goodLabel;
};

struct NodeHeat {
    double value = 0.0;  // on the scale
    QString text;        // for the tooltip: "SQNR 23.10 dB"
};

class GraphView : public QWidget {
    Q_OBJECT
public:
    explicit GraphView(QWidget* parent = nullptr);
    ~GraphView() override;

    // Lays out `graph` in the background; `qdq` folds Q/DQ pairs. The graph must outlive the view's use.
    void setGraph(std::shared_ptr<const void> owner, const Graph* graph, const QdqStructure* qdq);
    void clearGraph();
    // Heat map: a value per node; nodes without one stay neutral.
    void setHeatMap(const std::map<int, NodeHeat>& values, const HeatScale& scale);
    void setExcluded(const QSet<QString>& nodeNames);
    void selectNode(int node);  // without emitting nodeSelected
    int selectedNode() const;   // -1 when none
    bool isLayingOut() const;
    int nodeCount() const;
    const Graph* graph() const { return graph_; }
    // A title above the view ("FP32", "Quantized") when two graphs are shown side by side.
    void setTitle(const QString& title);
    // Puts the cursor in the search field, its text selected (Ctrl+F anywhere in the window).
    void focusSearch();
    // Selects and shows the first node whose name or output tensor contains `text`; false, and
    // the field says so (red, with the reason beside it), when none does.
    bool search(const QString& text);
    QLineEdit* searchField() const { return searchBox_; }
    QString searchProblem() const;  // "" after a search that found its node
    // Zooms to fit (the graph's width, at a readable scale), keeping the selected node selected
    // and on screen.
    void fit();
    QRect minimapGeometry() const;   // in viewport coordinates; empty when hidden
    QRect canvasGeometry() const;    // the viewport's own rectangle

signals:
    void nodeSelected(int node);
    void exclusionToggled(const QString& nodeName);
    // Several nodes at once (a module, a subgraph, a selection): exclude or include them all.
    void exclusionsRequested(const QStringList& nodeNames, bool exclude);
    void layoutFinished();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void buildScene(const GraphLayout& layout);
    void setLegend(const HeatScale& scale);
    void placeMinimap();
    void setSearchProblem(const QString& problem);
    bool handleKey(QKeyEvent* event);
    void moveSelection(int key);
    void goTo(NodeItem* item);
    void showContextMenu(NodeItem* item, const QPoint& globalPos);
    // Neighbours on screen: Q/DQ nodes folded away are walked through.
    std::vector<int> shownNeighbours(int node, bool upstream) const;

    QGraphicsView* view_;
    GraphScene* scene_;
    GraphMinimap* minimap_;
    QLabel* title_;
    QLineEdit* searchBox_;
    QToolButton* mapButton_;
    QLabel* legend_;
    QLabel* searchProblem_;
    QSet<QString> excluded_;
    std::shared_ptr<const void> owner_;  // keeps the graph alive while shown
    const Graph* graph_ = nullptr;
    QFutureWatcher<std::shared_ptr<GraphLayout>>* watcher_ = nullptr;
    quint64 generation_ = 0;
};

}  // namespace ql
