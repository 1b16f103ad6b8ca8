#include "NodeDetailsView.h"

#include <QCheckBox>
#include <QHeaderView>
#include <QSignalBlocker>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace ql {
namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

QTreeWidgetItem* addRow(QTreeWidgetItem* parent, const QString& key, const QString& value = {}) {
    auto* item = new QTreeWidgetItem(parent, {key, value});
    item->setToolTip(0, key);
    item->setToolTip(1, value);
    return item;
}

}  // namespace

NodeDetailsView::NodeDetailsView(QWidget* parent)
    : QWidget(parent), exclude_(new QCheckBox(tr("Exclude from quantization (keep float)"), this)), tree_(new QTreeWidget(this)) {
    tree_->setColumnCount(2);
    tree_->setHeaderLabels({tr("Property"), tr("Value")});
    tree_->header()->setSectionResizeMode(0, QHeaderView::Interactive);
    tree_->header()->resizeSection(0, 200);
    tree_->setAlternatingRowColors(true);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(exclude_);
    layout->addWidget(tree_, 1);
    connect(exclude_, &QCheckBox::toggled, this, [this] {
        if (!name_.isEmpty())
            emit exclusionToggled(name_);
    });
    clearNode();
}

void NodeDetailsView::clearNode() {
    name_.clear();
    tree_->clear();
    tree_->addTopLevelItem(new QTreeWidgetItem({tr("Select a node in the graph or a row in a table")}));
    const QSignalBlocker block(exclude_);
    exclude_->setChecked(false);
    exclude_->setEnabled(false);
}

void NodeDetailsView::setExcluded(bool excluded) {
    const QSignalBlocker block(exclude_);
    exclude_->setChecked(excluded);
}

void NodeDetailsView::setNode(const NodeDetails& d, bool excluded) {
    name_ = q(d.name);
    tree_->clear();
    auto* root = tree_->invisibleRootItem();
    addRow(root, tr("Name"), name_);
    addRow(root, tr("Operator"), q(d.opType));
    addRow(root, tr("Domain"), q(d.domain));
    auto tensorRows = [&](const QString& title, const std::vector<NodeTensorDetails>& tensors) {
        auto* group = addRow(root, title, QString::number(tensors.size()));
        for (const auto& t : tensors) {
            auto* item = addRow(group, q(t.name), q(t.type) + (t.constant ? tr("  (constant)") : QString()));
            if (!t.quantization.empty())
                addRow(item, tr("Quantization"), q(t.quantization));
            if (!t.error.empty())
                addRow(item, tr("Error"), q(t.error));
            item->setExpanded(true);
        }
        group->setExpanded(true);
    };
    tensorRows(tr("Inputs"), d.inputs);
    tensorRows(tr("Outputs"), d.outputs);
    auto* attributes = addRow(root, tr("Attributes"), QString::number(d.attributes.size()));
    for (const auto& [name, value] : d.attributes)
        addRow(attributes, q(name), q(value));
    attributes->setExpanded(true);
    const QSignalBlocker block(exclude_);
    exclude_->setEnabled(!d.name.empty());
    exclude_->setChecked(excluded);
}

}  // namespace ql
