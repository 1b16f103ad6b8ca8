#include "RunsModel.h"

#include <QFont>
#include <QPalette>
#include <QApplication>
#include <cmath>

#include "metrics/ErrorMetrics.h"

namespace ql {
namespace {

// The first part whose name ends with `suffix`; the whole first output for an empty suffix.
const RunPart* part(const Run& run, const std::string& suffix) {
    for (const auto& p : run.metrics.parts) {
        if (suffix.empty())
            return &p;
        if (p.name.size() > suffix.size() && p.name.compare(p.name.size() - suffix.size(), suffix.size(), suffix) == 0)
            return &p;
    }
    return nullptr;
}

QString formatSize(uint64_t bytes) {
    if (bytes == 0)
        return QString();
    return QStringLiteral("%1 MB").arg(static_cast<double>(bytes) / 1e6, 0, 'f', 2);
}

}  // namespace

RunsModel::RunsModel(QObject* parent) : QAbstractTableModel(parent) {}

void RunsModel::setRuns(std::vector<Run> runs, int current, QSet<int> withModel) {
    beginResetModel();
    runs_ = std::move(runs);
    current_ = current;
    withModel_ = std::move(withModel);
    endResetModel();
}

const Run* RunsModel::runAt(int row) const {
    return row >= 0 && row < static_cast<int>(runs_.size()) ? &runs_[static_cast<size_t>(row)] : nullptr;
}

int RunsModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : static_cast<int>(runs_.size()); }
int RunsModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

double RunsModel::value(const Run& run, Column column) {
    const RunMetrics& m = run.metrics;
    const auto optional = [](const std::optional<double>& v) { return v ? *v : NAN; };
    switch (column) {
    case Number: return run.number;
    case Excluded: return static_cast<double>(run.exclusions.size());
    case Output: if (const RunPart* p = part(run, {})) return p->sqnrDb; return NAN;
    case Boxes: if (const RunPart* p = part(run, " boxes")) return p->sqnrDb; return NAN;
    case Scores: if (const RunPart* p = part(run, " class scores")) return p->sqnrDb; return NAN;
    case Fidelity50: return optional(m.fidelity50);
    case Fidelity5095: return optional(m.fidelity50to95);
    case Map5095: return optional(m.map50to95);
    case Latency: return m.latency ? m.latency->medianMs : NAN;
    case Size: return m.sizeBytes ? static_cast<double>(m.sizeBytes) / 1e6 : NAN;
    default: return NAN;
    }
}

QString RunsModel::columnTitle(Column column) {
    switch (column) {
    case Number: return tr("Run");
    case How: return tr("How");
    case Excluded: return tr("Excluded");
    case Output: return tr("Output dB");
    case Boxes: return tr("Boxes dB");
    case Scores: return tr("Scores dB");
    case Fidelity50: return tr("Fidelity 50");
    case Fidelity5095: return tr("Fidelity 50-95");
    case Map5095: return tr("mAP 50-95");
    case Latency: return tr("Latency ms");
    case Size: return tr("Size");
    default: return {};
    }
}

QString RunsModel::text(const Run& run, int row, Column column) const {
    const RunMetrics& m = run.metrics;
    switch (column) {
    case Number: return (run.number == current_ ? QStringLiteral("\u25B6 ") : QString()) + QString::number(run.number);
    case How: return QString::fromStdString(run.name);
    case Excluded: {
        QString t = QString::number(run.exclusions.size());
        if (row > 0) {
            const ExclusionDiff d = diffExclusions(runs_[static_cast<size_t>(row - 1)].exclusions, run.exclusions);
            if (!d.empty())
                t += QStringLiteral(" (%1)").arg(QString::fromStdString(d.describe()));
        }
        return t;
    }
    case Output: case Boxes: case Scores: {
        const double v = value(run, column);
        if (std::isnan(v))
            return m.images == 0 ? tr("measuring...") : QString();
        QString t = QString::fromStdString(formatDb(v));
        if (column == Output && !m.failures.empty())
            t += QStringLiteral(" \u26A0");
        return t;
    }
    case Fidelity50: case Fidelity5095: case Map5095: {
        const double v = value(run, column);
        return std::isnan(v) ? QString() : QString::number(v, 'f', 3);
    }
    case Latency:
        if (!m.latency)
            return QString();
        return tr("%1 ± %2").arg(m.latency->medianMs, 0, 'f', 1).arg(latencySpreadMs(*m.latency), 0, 'f', 1);
    case Size: return formatSize(m.sizeBytes);
    default: return {};
    }
}

QVariant RunsModel::data(const QModelIndex& index, int role) const {
    const Run* run = runAt(index.row());
    if (!run || index.column() < 0 || index.column() >= ColumnCount)
        return {};
    const auto column = static_cast<Column>(index.column());
    switch (role) {
    case Qt::DisplayRole: return text(*run, index.row(), column);
    case SortRole: return value(*run, column);
    case Qt::TextAlignmentRole:
        return column == How ? QVariant(Qt::AlignLeft | Qt::AlignVCenter) : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::FontRole:
        if (run->number == current_) {
            QFont f;
            f.setBold(true);
            return f;
        }
        return {};
    case Qt::ForegroundRole:
        if (column == Output && !run->metrics.failures.empty())
            return QColor(198, 40, 40);
        if (!hasModel(run->number))
            return QApplication::palette().color(QPalette::Disabled, QPalette::Text);
        return {};
    case Qt::ToolTipRole: {
        QStringList lines;
        lines << tr("Run %1: %2").arg(run->number).arg(QString::fromStdString(run->name));
        if (!run->calibration.empty())
            lines << tr("Calibrated on %1").arg(QString::fromStdString(run->calibration));
        if (index.row() > 0) {
            const ExclusionDiff d = diffExclusions(runs_[static_cast<size_t>(index.row() - 1)].exclusions, run->exclusions);
            for (const auto& n : d.added)
                lines << QStringLiteral("+ %1").arg(QString::fromStdString(n));
            for (const auto& n : d.removed)
                lines << QStringLiteral("\u2212 %1").arg(QString::fromStdString(n));
        }
        for (const auto& f : run->metrics.failures)
            lines << tr("Failure: %1").arg(QString::fromStdString(f));
        if (run->metrics.latency)
            lines << tr("Latency: median of %1 runs after warm-up, ± half the range from the fastest to the 95th percentile")
                         .arg(run->metrics.latency->runs);
        if (!hasModel(run->number))
            lines << tr("Restored from the project: figures only, no model to show");
        return lines.join(QLatin1Char('\n'));
    }
    default: return {};
    }
}

QString RunsModel::columnHelp(Column column) {
    switch (column) {
    case Output: return tr("SQNR of the whole output, FP32 against the quantized model as deployed (plain ONNX Runtime session)");
    case Boxes: return tr("SQNR of the output's box coordinates");
    case Scores: return tr("SQNR of the output's class scores; a collapse shows as ⚠ on the output");
    case Fidelity50: return tr("Detection fidelity: mAP@0.5 of the quantized detections with the FP32 detections as ground truth");
    case Fidelity5095: return tr("Detection fidelity at IoU 0.5:0.95: how precisely the boxes stay in place");
    case Map5095: return tr("mAP@0.5:0.95 against the labels of a data set");
    case Latency: return tr("Median latency of the quantized model alone after warm-up, ± half the range from the fastest run to the 95th percentile");
    case Excluded: return tr("Nodes left float, and the change from the run above");
    default: return {};
    }
}

QVariant RunsModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return {};
    if (role == Qt::DisplayRole)
        return columnTitle(static_cast<Column>(section));
    if (role == Qt::ToolTipRole)
        return columnHelp(static_cast<Column>(section));
    if (role == Qt::TextAlignmentRole)
        return section == How ? QVariant(Qt::AlignLeft | Qt::AlignVCenter) : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

}  // namespace ql
