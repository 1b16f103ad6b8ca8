// The operator graph, laid out by Graphviz (off the GUI thread), drawn with QGraphicsView:
// zoom with the wheel, pan by dragging, fit, search by name, a minimap, keyboard navigation
// (arrows follow the edges), nodes coloured by an error metric with a legend, Q/DQ pairs shown
// as marks on the edges, excluded nodes hatched, and a context menu that excludes a node, its
// module, everything downstream of it or a rubber-band selection (Shift+drag).
// A graph of more than `nodeBudget()` nodes (1,500) is shown grouped (see layout/GraphGroups.h):
// closed groups are boxes with their node count, worst and median heat and excluded count; a
// double-click, Enter or the context menu opens one (Backspace closes the group around the
// selection), each level laid out in the background and cached, the view kept on the group.
#pragma once

#include <QFutureWatcher>
#include <functional>
#include <QGraphicsView>
#include <QSet>
#include <map>
#include <memory>

#include "layout/GraphGroups.h"
#include "layout/GraphLayout.h"
#include "layout/GroupLayout.h"

class QLineEdit;
class QMenu;
class QLabel;
class QToolButton;

namespace ql {

class GraphMinimap;
class GraphScene;
class GroupBoxItem;
class NodeItem;

// How heat-map values become colours: `bad` and below red, `good` and above green. Values are
// oriented so that higher is better; the legend shows the three labels.
struct HeatScale {
    QString title;
    double bad = 10.0;
    double good = 40.0;
    QString badLabel, middleLabel, goodLabel;
    // A value on the scale in the metric's own unit, for group boxes and the node panel
    // ("23.1 dB", "0.9987", "0.4%"); without one, the number with one decimal.
    std::function<QString(double)> format;
    QString text(double value) const { return format ? format(value) : QString::number(value, 'f', 1); }
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
    void setHeatMap(const std::map<int, NodeHeat>& values, const HeatScale& scale);  // emits heatChanged
    const HeatScale& heatScale() const { return scale_; }
    void setExcluded(const QSet<QString>& nodeNames);
    void setInt16(const QSet<QString>& nodeNames);  // nodes quantized at 16 bits: a "16" badge
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

    // Groups. Set the budget before setGraph: graphs showing more nodes open grouped.
    void setNodeBudget(int nodes) { budget_ = nodes; }
    int nodeBudget() const { return budget_; }
    const GroupTree* groups() const { return tree_.get(); }  // null before the first layout
    bool isGrouped() const;          // some group closed
    int groupCount() const;          // boxes of closed groups on show
    QStringList openGroupPaths() const;
    bool isGroupOpen(const QString& path) const;
    // Opens or closes the group with this path (nothing when the graph has none), lays out in the
    // background and keeps the view on it; emits openGroupsChanged.
    void setGroupOpen(const QString& path, bool open);
    // Opens every group above `depth` and closes the others (depth 1: the top-level groups closed).
    void expandToDepth(int depth);
    // The same open groups as another view of the same model (by path); does not emit openGroupsChanged.
    void setOpenGroupPaths(const QStringList& paths);
    int selectedGroup() const;       // a group's index in groups(), -1 when none is selected
    void selectGroup(int group);     // a closed group's box or an open group's frame
    GroupSummary groupSummary(int group) const;  // with the current heat values and exclusions
    // The node names a group's "Exclude" excludes: its nodes of these op types.
    void setQuantizableOps(const QSet<QString>& opTypes) { quantizableOps_ = opTypes; }
    QStringList quantizableNodesOf(int group) const;
    bool isRelayingOut() const;      // a newly opened level being laid out

signals:
    void nodeSelected(int node);
    void exclusionToggled(const QString& nodeName);
    // Several nodes at once (a module, a subgraph, a selection): exclude or include them all.
    void exclusionsRequested(const QStringList& nodeNames, bool exclude);
    void layoutFinished();
    // After a group opened or closed (by the user or a search) and its picture is shown.
    void openGroupsChanged();
    void groupSelected(int group);
    void heatChanged();  // new heat values or another metric: group summaries change with them

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    struct Picture;  // what a background layout hands the GUI thread
    void buildScene(const GraphLayout& layout);
    void buildGroupedScene(const GroupedLayout& layout);
    void showPicture(const Picture& picture);
    // Lays out the view of `open` in the background; afterwards centres on `focus` (a group index
    // or, when node >= 0, selects that node).
    void relayout(OpenGroups open, int focusGroup, int selectNodeAfter, bool announce, bool quietSelect = false);
    void relayoutWith(std::function<std::shared_ptr<Picture>()> job);
    void applyHeat();  // to the items on show, from heat_
    void refreshGroupBoxes();
    void showGroupMenu(GroupBoxItem* item, const QPoint& globalPos);
    void addGroupActions(QMenu& menu, int innermostOpen);
    int innermostOpenGroupOf(int node) const;
    void setLegend(const HeatScale& scale);
    void placeMinimap();
    void setSearchProblem(const QString& problem);
    bool handleKey(QKeyEvent* event);
    void moveSelection(int key);
    void moveSelectionAmongBoxes(int key);  // grouped: nodes and closed groups alike
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
    QSet<QString> int16_;
    std::shared_ptr<const void> owner_;  // keeps the graph alive while shown
    const Graph* graph_ = nullptr;
    QFutureWatcher<std::shared_ptr<Picture>>* watcher_ = nullptr;
    quint64 generation_ = 0;
    const QdqStructure* qdq_ = nullptr;
    int budget_ = 1500;
    std::shared_ptr<const GroupTree> tree_;
    std::shared_ptr<GroupLayoutCache> cache_;
    std::shared_ptr<const GraphLayout> flat_;  // Graphviz's layout of the whole graph, once made
    OpenGroups open_;       // on show
    OpenGroups wanted_;     // the latest asked for (== open_ unless a layout runs)
    int wantedSelect_ = -1; // the node that layout selects afterwards
    bool wantedQuiet_ = false;
    std::map<int, NodeHeat> heat_;
    HeatScale scale_;
    QSet<QString> quantizableOps_;
    bool laidOut_ = false;
};

}  // namespace ql
