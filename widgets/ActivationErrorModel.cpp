#include "ActivationErrorModel.h"

#include <QBrush>
#include <QColor>
#include <cmath>

#include "report/InspectReport.h"

namespace ql {

ActivationErrorModel::ActivationErrorModel(QObject* parent) : ExcludableRowsModel(parent) {}

void ActivationErrorModel::setReport(ActivationReport report) {
    beginResetModel();
    report_ = std::move(report);
    endResetModel();
}

const ActivationError* ActivationErrorModel::layerAt(int row) const {
    return row >= 0 && row < static_cast<int>(report_.layers.size()) ? &report_.layers[static_cast<size_t>(row)] : nullptr;
}

int ActivationErrorModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(report_.layers.size());
}

int ActivationErrorModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant ActivationErrorModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal)
        return {};
    if (section == Excluded)
        return excludedHeader(role);
    if (role == Qt::ToolTipRole) {
        if (section == Accumulated)
            return tr("FP32 tensor vs the quantized model's tensor after its Q/DQ pair: all error upstream included");
        if (section == Rounding)
            return tr("This tensor's own rounding error: before vs after its Q/DQ pair in the quantized model");
        return {};
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Tensor: return tr("Tensor");
    case Op: return tr("Op");
    case Accumulated: return tr("SQNR (dB)");
    case Rounding: return tr("Rounding SQNR (dB)");
    case Cosine: return tr("Cosine");
    case Mse: return tr("MSE");
    case MaxAbs: return tr("Max |error|");
    case Clipped: return tr("Clipped %");
    case RangeUsed: return tr("Range used %");
    }
    return {};
}

QVariant ActivationErrorModel::data(const QModelIndex& index, int role) const {
    const ActivationError* l = layerAt(index.row());
    if (!l)
        return {};
    if (index.column() == Excluded)
        return excludedData(index.row(), role);
    const bool ok = l->problem.empty();
    if (role == SortRole) {
        switch (index.column()) {
        case Accumulated: return ok ? l->accumulated.sqnrDb : HUGE_VAL;
        case Rounding: return ok ? l->rounding.sqnrDb : HUGE_VAL;
        case Cosine: return ok ? l->accumulated.cosine : 2.0;
        case Mse: return ok ? l->accumulated.mse : -1.0;
        case MaxAbs: return ok ? l->accumulated.maxAbsError : -1.0;
        case Clipped: return ok ? l->clippedFraction : -1.0;
        case RangeUsed: return ok ? l->rangeUsed : 2.0;
        default: return data(index, Qt::DisplayRole);
        }
    }
    if (role == Qt::ToolTipRole)
        return ok ? QString::fromStdString(l->producer) : QString::fromStdString(l->problem);
    if (role == Qt::TextAlignmentRole && index.column() >= Accumulated)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ForegroundRole && index.column() == Accumulated && ok && l->accumulated.sqnrDb < 15.0)
        return QBrush(QColor(200, 40, 40));
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Tensor: return QString::fromStdString(l->name);
    case Op: return QString::fromStdString(l->producerOp);
    case Accumulated: return ok ? QString::fromStdString(formatDb(l->accumulated.sqnrDb)) : QString::fromStdString(l->problem);
    // Empty where not defined: an operator's own result (dynamic, QOperator), a float tensor (FP16).
    case Rounding: return ok && l->rounding.count ? QString::fromStdString(formatDb(l->rounding.sqnrDb)) : QString();
    case Cosine: return ok ? QString::number(l->accumulated.cosine, 'f', 5) : QString();
    case Mse: return ok ? QString::number(l->accumulated.mse, 'e', 2) : QString();
    case MaxAbs: return ok ? QString::number(l->accumulated.maxAbsError, 'e', 2) : QString();
    case Clipped: return ok && l->fixedRange ? QString::number(100.0 * l->clippedFraction, 'f', 2) : QString();
    case RangeUsed: return ok && l->fixedRange ? QString::number(100.0 * l->rangeUsed, 'f', 1) : QString();
    }
    return {};
}

}  // namespace ql
