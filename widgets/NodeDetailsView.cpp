#include "NodeDetailsView.h"

#include <QCheckBox>
#include <QComboBox>
#include <QPushButton>
#include <QHeaderView>
#include <QSignalBlocker>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "TreeRows.h"
#include "model/TensorData.h"

namespace ql {
namespace {

QString number(double v) { return QString::number(v, 'g', 5); }

QString dbText(double db) { return std::isfinite(db) ? QString::number(db, 'f', 2) : QStringLiteral("∞"); }

}  // namespace

QString NodeDetailsView::quantizationText(const NodeTensorDetails& t) {
    if (!t.quantization)
        return tr("float (not quantized)");
    const QuantParams& p = *t.quantization;
    const QString type = toQString(elementTypeName(p.elementType));
    if (p.perChannel()) {
        const auto [lo, hi] = std::minmax_element(p.scales.begin(), p.scales.end());
        return tr("%1 per channel (axis %2, %3 channels), scale %4 to %5")
            .arg(type)
            .arg(p.axis)
            .arg(p.scales.size())
            .arg(number(*lo), number(*hi));
    }
    return tr("%1, scale %2, zero point %3")
        .arg(type, number(p.scales.empty() ? 0.0 : p.scales[0]))
        .arg(p.zeroPoints.empty() ? 0 : p.zeroPoints[0]);
}

QString NodeDetailsView::errorText(const TensorErrorSummary& e) {
    if (!e.problem.empty())
        return tr("not compared: %1").arg(toQString(e.problem));
    return tr("SQNR %1 dB (own rounding %2 dB), cosine %3, clipped %4%, range used %5%")
        .arg(dbText(e.sqnrDb), dbText(e.roundingSqnrDb))
        .arg(e.cosine, 0, 'f', 4)
        .arg(e.clippedFraction * 100.0, 0, 'f', 2)
        .arg(e.rangeUsed * 100.0, 0, 'f', 0);
}

NodeDetailsView::NodeDetailsView(QWidget* parent)
    : QWidget(parent), exclude_(new QCheckBox(tr("Exclude from quantization (keep float)"), this)),
      keepFloat_(new QPushButton(this)), precision_(new QComboBox(this)), tree_(new QTreeWidget(this)) {
    tree_->setColumnCount(2);
    tree_->setHeaderLabels({tr("Property"), tr("Value")});
    tree_->header()->setSectionResizeMode(0, QHeaderView::Interactive);
    tree_->header()->resizeSection(0, 200);
    tree_->setAlternatingRowColors(true);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(exclude_);
    precision_->setObjectName(QStringLiteral("precision"));
    precision_->addItem(tr("Precision: INT8"));
    precision_->addItem(tr("Precision: INT16 (16-bit activations and weights)"));
    precision_->addItem(tr("Precision: float (excluded)"));
    precision_->setToolTip(tr("INT16 quantizes the node's activations and weights with 16-bit Q/DQ (ONNX Runtime's "
                              "TensorQuantOverrides, as `quantize --tensor-overrides`); re-quantize applies it"));
    layout->addWidget(precision_);
    connect(precision_, &QComboBox::activated, this, [this](int index) {
        if (!name_.isEmpty())
            emit precisionRequested(name_, index);
    });
    layout->addWidget(keepFloat_);
    layout->addWidget(tree_, 1);
    keepFloat_->setToolTip(tr("An excluded node computes in float, but its outputs stay quantized while nodes that "
                              "read them are quantized (ONNX Runtime quantizes the inputs of quantized nodes). "
                              "Excluding those readers too keeps the outputs float."));
    connect(keepFloat_, &QPushButton::clicked, this, [this] { emit excludeNodesRequested(readers_); });
    connect(exclude_, &QCheckBox::toggled, this, [this](bool on) {
        if (!groupPath_.isEmpty())
            emit groupExclusionRequested(groupNodes_, on);
        else if (!name_.isEmpty())
            emit exclusionToggled(name_);
    });
    clearNode();
}

void NodeDetailsView::updateKeepFloat() {
    keepFloat_->setText(tr("Also keep its outputs float: exclude the %n node(s) that read them quantized", nullptr,
                           static_cast<int>(readers_.size())));
    keepFloat_->setVisible(exclude_->isChecked() && !readers_.isEmpty());
}

void NodeDetailsView::clearNode() {
    name_.clear();
    groupPath_.clear();
    groupNodes_.clear();
    readers_.clear();
    tree_->clear();
    tree_->addTopLevelItem(new QTreeWidgetItem({tr("Select a node in the graph or a row in a table")}));
    const QSignalBlocker block(exclude_);
    exclude_->setChecked(false);
    exclude_->setEnabled(false);
    precision_->setEnabled(false);
    precision_->setCurrentIndex(0);
    updateKeepFloat();
}

void NodeDetailsView::setPrecision(int precision) {
    const QSignalBlocker block(precision_);
    precision_->setCurrentIndex(std::clamp(precision, 0, 2));
}

void NodeDetailsView::setExcluded(bool excluded) {
    const QSignalBlocker block(exclude_);
    exclude_->setChecked(excluded);
    updateKeepFloat();
}

void NodeDetailsView::setGroup(const QString& path, const GroupSummary& s, const QString& metricTitle,
                               const QStringList& quantizable, bool allExcluded, const std::function<QString(double)>& format) {
    const auto text = [&format](double v) { return format ? format(v) : QString::number(v, 'f', 2); };
    name_.clear();
    readers_.clear();
    groupPath_ = path;
    groupNodes_ = quantizable;
    tree_->clear();
    auto* root = tree_->invisibleRootItem();
    addTreeRow(root, tr("Group"), path);
    addTreeRow(root, tr("Nodes"), QString::number(s.nodes));
    addTreeRow(root, tr("Quantizable nodes"), QString::number(quantizable.size()));
    addTreeRow(root, tr("Excluded nodes"), QString::number(s.excluded));
    if (s.measured > 0) {
        addTreeRow(root, tr("Worst (%1)").arg(metricTitle), text(s.worst));
        addTreeRow(root, tr("Median (%1)").arg(metricTitle), text(s.median));
        addTreeRow(root, tr("Nodes measured"), QString::number(s.measured));
    } else {
        addTreeRow(root, metricTitle, tr("not measured yet"));
    }
    const QSignalBlocker block(exclude_);
    exclude_->setEnabled(!quantizable.isEmpty());
    precision_->setEnabled(false);  // per node only
    exclude_->setChecked(allExcluded && !quantizable.isEmpty());
    updateKeepFloat();
}

void NodeDetailsView::setNode(const NodeDetails& d, bool excluded) {
    groupPath_.clear();
    groupNodes_.clear();
    name_ = toQString(d.name);
    readers_.clear();
    for (const auto& t : d.outputs)
        for (const auto& reader : t.quantizedFor)
            if (!readers_.contains(toQString(reader)))
                readers_ << toQString(reader);
    tree_->clear();
    auto* root = tree_->invisibleRootItem();
    addTreeRow(root, tr("Name"), name_);
    addTreeRow(root, tr("Operator"), toQString(d.opType));
    addTreeRow(root, tr("Domain"), toQString(d.domain));
    auto tensorRows = [&](const QString& title, const std::vector<NodeTensorDetails>& tensors) {
        auto* group = addTreeRow(root, title, QString::number(tensors.size()));
        for (const auto& t : tensors) {
            auto* item = addTreeRow(group, toQString(t.name), toQString(t.type) + (t.constant ? tr("  (constant)") : QString()));
            if (t.quantizationKnown)
                addTreeRow(item, tr("Quantization"), quantizationText(t));
            if (!t.quantizedFor.empty()) {
                QStringList readers;
                for (const auto& r : t.quantizedFor)
                    readers << toQString(r);
                addTreeRow(item, tr("Read quantized by"), readers.join(QStringLiteral(", ")));
            }
            if (t.error)
                addTreeRow(item, tr("Error"), errorText(*t.error));
            item->setExpanded(true);
        }
        group->setExpanded(true);
    };
    tensorRows(tr("Inputs"), d.inputs);
    tensorRows(tr("Outputs"), d.outputs);
    auto* attributes = addTreeRow(root, tr("Attributes"), QString::number(d.attributes.size()));
    for (const auto& [name, value] : d.attributes)
        addTreeRow(attributes, toQString(name), toQString(value));
    attributes->setExpanded(true);
    const QSignalBlocker block(exclude_);
    exclude_->setEnabled(!d.name.empty());
    precision_->setEnabled(!d.name.empty());
    precision_->setCurrentIndex(excluded ? 2 : 0);
    exclude_->setChecked(excluded);
    updateKeepFloat();
}

}  // namespace ql
