// The node panel: the selected node's tensors (type, shape, quantization, measured error, which
// nodes read them quantized), its attributes, and a tick box that excludes it from quantization;
// for an excluded node whose outputs stay quantized, a button that keeps them float too.
#pragma once

#include <QWidget>

#include "inspect/NodeDetails.h"

class QCheckBox;
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
    const QString& nodeName() const { return name_; }
    static QString quantizationText(const NodeTensorDetails& tensor);
    static QString errorText(const TensorErrorSummary& error);

signals:
    void exclusionToggled(const QString& nodeName);
    // "Also keep its outputs float": exclude the nodes that read them quantized, as one step.
    void excludeNodesRequested(const QStringList& nodeNames);

private:
    void updateKeepFloat();

    QCheckBox* exclude_;
    QPushButton* keepFloat_;
    QTreeWidget* tree_;
    QString name_;
    QStringList readers_;  // nodes that read this node's outputs quantized
};

}  // namespace ql
