// The node panel: the selected node's tensors (type, shape, quantization, measured error, which
// nodes read them quantized), its attributes, and a tick box that excludes it from quantization;
// for an excluded node whose outputs stay quantized, a button that keeps them float too. For a
// group of the graph view: its summary (nodes, worst and median error, excluded), and a tick box
// that excludes its quantizable nodes. A node's precision: INT8, INT16 or float (excluded).
#pragma once

#include <QWidget>
#include <functional>

#include "inspect/NodeDetails.h"
#include "layout/GraphGroups.h"

class QCheckBox;
class QComboBox;
class QPushButton;
class QTreeWidget;

namespace ql {

class NodeDetailsView : public QWidget {
    Q_OBJECT
public:
    explicit NodeDetailsView(QWidget* parent = nullptr);
    void setNode(const NodeDetails& details, bool excluded);
    void setExcluded(bool excluded);
    void clearNode();
    // The shown node's precision in the combo box: 0 INT8, 1 INT16, 2 float (no signal).
    void setPrecision(int precision);
    // A group: `metricTitle` names the worst/median figures; `quantizable` are the nodes its tick
    // box excludes (ticked when they all are); `format` writes a value in the metric's unit
    // ("23.1 dB"; the number alone without it).
    void setGroup(const QString& path, const GroupSummary& summary, const QString& metricTitle, const QStringList& quantizable,
                  bool allExcluded, const std::function<QString(double)>& format = {});
    const QString& groupPath() const { return groupPath_; }
    const QStringList& groupNodes() const { return groupNodes_; }
    const QString& nodeName() const { return name_; }
    static QString quantizationText(const NodeTensorDetails& tensor);
    static QString errorText(const TensorErrorSummary& error);

signals:
    void exclusionToggled(const QString& nodeName);
    // "Also keep its outputs float": exclude the nodes that read them quantized, as one step.
    void excludeNodesRequested(const QStringList& nodeNames);
    // A group's tick box: exclude its quantizable nodes, or include them again (one undo step).
    void groupExclusionRequested(const QStringList& nodeNames, bool exclude);
    // The precision combo box: 0 INT8, 1 INT16 (16-bit Q/DQ through TensorQuantOverrides), 2 float.
    void precisionRequested(const QString& nodeName, int precision);

private:
    void updateKeepFloat();

    QCheckBox* exclude_;
    QPushButton* keepFloat_;
    QComboBox* precision_;
    QTreeWidget* tree_;
    QString name_;
    QString groupPath_;
    QStringList groupNodes_;  // a group's quantizable nodes
    QStringList readers_;  // nodes that read this node's outputs quantized
};

}  // namespace ql
