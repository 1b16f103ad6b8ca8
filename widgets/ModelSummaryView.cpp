#include "ModelSummaryView.h"

#include <QHeaderView>

#include "TreeRows.h"
#include "model/TensorData.h"
#include "report/InspectReport.h"

namespace ql {

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

void ModelSummaryView::setSummary(const ModelSummary& s, const QString& origin) {
    clear();
    auto* root = invisibleRootItem();
    addTreeRow(root, tr("File"), !origin.isEmpty() ? origin : toQString(s.path.empty() ? s.name : s.path));
    addTreeRow(root, tr("Size"), toQString(formatBytes(s.fileSize)));
    QString format = toQString(formatName(s.format));
    if (s.format != QuantFormat::Float)
        format += tr("  (QuantizeLinear %1, DequantizeLinear %2)").arg(s.quantizeLinearCount).arg(s.dequantizeLinearCount);
    addTreeRow(root, tr("Format"), format);
    QStringList opsets;
    for (const auto& [domain, version] : s.opsets)
        opsets << QStringLiteral("%1 %2").arg(toQString(domain)).arg(version);
    addTreeRow(root, tr("Opsets"), opsets.join(QStringLiteral(", ")));
    addTreeRow(root, tr("IR version"), QString::number(s.irVersion));
    addTreeRow(root, tr("Producer"), toQString(s.producer));
    addTreeRow(root, tr("Nodes"), QString::number(s.nodeCount));
    addTreeRow(root, tr("Parameters"), tr("%1 in %2 initializers").arg(s.parameterCount).arg(s.initializerCount));

    auto tensorRows = [&](const QString& title, const std::vector<TensorSummary>& tensors) {
        auto* group = addTreeRow(root, title, QString::number(tensors.size()));
        for (const auto& t : tensors)
            addTreeRow(group, toQString(t.name), toQString(t.type + " " + shapeToString(t.shape)));
        group->setExpanded(true);
    };
    tensorRows(tr("Inputs"), s.inputs);
    tensorRows(tr("Outputs"), s.outputs);

    auto* ops = addTreeRow(root, tr("Operators"), QString::number(s.opCounts.size()));
    for (const auto& [op, n] : s.opCounts)
        addTreeRow(ops, toQString(op), QString::number(n));
    if (s.format != QuantFormat::Float) {
        addTreeRow(root, tr("Quantized tensors"), tr("%1 activations, %2 weights, %3 biases")
                                                  .arg(s.quantizedActivations).arg(s.quantizedWeights).arg(s.quantizedBiases));
        auto* nodes = addTreeRow(root, tr("Quantized nodes"), QString::number(s.quantizedNodes.size()));
        for (const auto& n : s.quantizedNodes)
            addTreeRow(nodes, toQString(n));
    }
    if (!s.metadata.empty()) {
        auto* md = addTreeRow(root, tr("Metadata"), QString::number(s.metadata.size()));
        for (const auto& [k, v] : s.metadata)
            addTreeRow(md, toQString(k), toQString(v));
    }
    for (const auto& w : s.warnings)
        addTreeRow(root, tr("Warning"), toQString(w));
    // Deployment warnings for TensorRT: one row per finding, its fix beneath it.
    if (s.format == QuantFormat::QDQ) {
        auto* trt = addTreeRow(root, tr("TensorRT placement"),
                               s.tensorRtPlacement.empty() ? tr("no Q/DQ placement that makes TensorRT reformat or fall back")
                                                           : tr("%n finding(s)", nullptr, static_cast<int>(s.tensorRtPlacement.size())));
        for (const auto& f : s.tensorRtPlacement) {
            auto* row = addTreeRow(trt, toQString(f.node), toQString(f.message));
            row->setToolTip(1, toQString(f.message));
            addTreeRow(row, tr("Fix"), toQString(f.fix));
        }
    }
}

}  // namespace ql
