// The node panel: the selected node's tensors (type, shape, quantization, measured error), its
// attributes, and a tick box that excludes it from quantization.
#pragma once

#include <QWidget>

#include "report/NodeDetails.h"

class QCheckBox;
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

private:
    QCheckBox* exclude_;
    QTreeWidget* tree_;
    QString name_;
};

}  // namespace ql
