#include "ModelSummaryView.h"

#include <QHeaderView>

#include "model/TensorData.h"
#include "report/InspectReport.h"

namespace ql {
namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

QTreeWidgetItem* addRow(QTreeWidgetItem* parent, const QString& key, const QString& value = {}) {
    auto* item = new QTreeWidgetItem(parent, {key, value});
    item->setToolTip(1, value);
    return item;
}

}  // namespace

ModelSummaryView::ModelSummaryView(QWidget* parent) : QTreeWidget(parent) {
    setColumnCount(2);
    setHeaderLabels({tr("Property"), tr("Value")});
    header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    setAlternatingRowColors(true);
    setUniformRowHeights(true);
}

void ModelSummaryView::clearSummary(const QString& placeholder) {
    clear();
    addTopLevelItem(new QTreeWidgetItem({placeholder}));
}

void ModelSummaryView::setSummary(const ModelSummary& s) {
    clear();
    auto* root = invisibleRootItem();
    addRow(root, tr("File"), q(s.path.empty() ? s.name : s.path));
    addRow(root, tr("Size"), q(formatBytes(s.fileSize)));
    QString format = q(formatName(s.format));
    if (s.format != QuantFormat::Float)
        format += tr("  (QuantizeLinear %1, DequantizeLinear %2)").arg(s.quantizeLinearCount).arg(s.dequantizeLinearCount);
    addRow(root, tr("Format"), format);
    QStringList opsets;
    for (const auto& [domain, version] : s.opsets)
        opsets << QStringLiteral("%1 %2").arg(q(domain)).arg(version);
    addRow(root, tr("Opsets"), opsets.join(QStringLiteral(", ")));
    addRow(root, tr("IR version"), QString::number(s.irVersion));
    addRow(root, tr("Producer"), q(s.producer));
    addRow(root, tr("Nodes"), QString::number(s.nodeCount));
    addRow(root, tr("Parameters"), tr("%1 in %2 initializers").arg(s.parameterCount).arg(s.initializerCount));

    auto tensorRows = [&](const QString& title, const std::vector<TensorSummary>& tensors) {
        auto* group = addRow(root, title, QString::number(tensors.size()));
        for (const auto& t : tensors)
            addRow(group, q(t.name), q(t.type + " " + shapeToString(t.shape)));
        group->setExpanded(true);
    };
    tensorRows(tr("Inputs"), s.inputs);
    tensorRows(tr("Outputs"), s.outputs);

    auto* ops = addRow(root, tr("Operators"), QString::number(s.opCounts.size()));
    for (const auto& [op, n] : s.opCounts)
        addRow(ops, q(op), QString::number(n));
    if (s.format != QuantFormat::Float) {
        addRow(root, tr("Quantized tensors"), tr("%1 activations, %2 weights, %3 biases")
                                                  .arg(s.quantizedActivations).arg(s.quantizedWeights).arg(s.quantizedBiases));
        auto* nodes = addRow(root, tr("Quantized nodes"), QString::number(s.quantizedNodes.size()));
        for (const auto& n : s.quantizedNodes)
            addRow(nodes, q(n));
    }
    if (!s.metadata.empty()) {
        auto* md = addRow(root, tr("Metadata"), QString::number(s.metadata.size()));
        for (const auto& [k, v] : s.metadata)
            addRow(md, q(k), q(v));
    }
    for (const auto& w : s.warnings)
        addRow(root, tr("Warning"), q(w));
}

}  // namespace ql
