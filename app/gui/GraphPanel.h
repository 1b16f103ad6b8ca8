// The Graph tab: the FP32 graph, and beside it on request the quantized graph (Q/DQ pairs folded
// into edge marks, or shown as nodes). Both are coloured by activation error and show the
// exclusions; selecting a node in one selects its pair in the other. Node numbers in signals
// and slots are the FP32 graph's; the quantized view is translated through the model pairing.
// Grouped graphs: the same groups (by path) are open on both sides, and a selected group is reported
// with its summary.
#pragma once

#include <QWidget>

#include "HeatMetric.h"
#include "Workspace.h"

class QSplitter;

namespace ql {

class GraphView;

class GraphPanel : public QWidget {
    Q_OBJECT
public:
    GraphPanel(Workspace* workspace, QWidget* parent = nullptr);

    void showModels();       // lays out again after a model changed
    void refreshColours();   // heat map and exclusions
    void selectFp32Node(int node);  // both views follow, without emitting nodeSelected
    void setSideBySide(bool on);
    void setFoldQdq(bool on);
    void setHeatMetric(HeatMetric metric);  // what colours the nodes
    // Graphs showing more nodes than this open grouped (both views); before showModels.
    void setNodeBudget(int nodes);
    HeatMetric heatMetric() const { return heatMetric_; }
    bool sideBySide() const { return sideBySide_; }
    GraphView* fp32View() const { return fp32_; }
    GraphView* quantizedView() const { return quantized_; }

signals:
    void nodeSelected(int fp32Node);
    void message(const QString& text);  // a quantized node with no FP32 counterpart, say
    void layoutFinished();
    void groupSelected(GraphView* view, int group);  // a group's box or frame in either view
    void heatChanged();  // either view got new heat values (another metric, a new comparison)

private:
    void showQuantizedModel();
    bool fp32Shown() const;  // false when the main view shows a quantized model alone
    QString fp32NameOf(const QString& quantizedName) const;
    QSet<QString> quantizedNamesOf(const QSet<QString>& fp32Names) const;
    void followGroups(GraphView* from, GraphView* to);

    Workspace* workspace_;
    QSplitter* splitter_;
    GraphView* fp32_;
    GraphView* quantized_;
    bool sideBySide_ = false;
    bool foldQdq_ = true;
    HeatMetric heatMetric_ = HeatMetric::AccumulatedSqnr;
};

}  // namespace ql
