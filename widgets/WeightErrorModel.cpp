#include "WeightErrorModel.h"

#include <QBrush>
#include <QColor>
#include <cmath>

#include "model/TensorData.h"
#include "report/InspectReport.h"

namespace ql {

WeightErrorModel::WeightErrorModel(QObject* parent) : ExcludableRowsModel(parent) {}

void WeightErrorModel::setWeights(std::vector<WeightError> weights) {
    beginResetModel();
    weights_ = std::move(weights);
    endResetModel();
}

const WeightError* WeightErrorModel::weightAt(int row) const {
    return row >= 0 && row < static_cast<int>(weights_.size()) ? &weights_[static_cast<size_t>(row)] : nullptr;
}

QString WeightErrorModel::weightsVerdict() const {
    const int changed = weightsChangedCount(weights_);
    if (changed == 0)
        return {};
    int compared = 0;
    for (const auto& w : weights_)
        compared += w.kind == QuantizedKind::Weight && w.problem.empty() ? 1 : 0;
    return tr("%1 of %2 weights differ from the FP32 file by more than rounding: a QAT model or another checkpoint; "
              "their error is not quantization alone").arg(changed).arg(compared);
}

int WeightErrorModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(weights_.size());
}

int WeightErrorModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant WeightErrorModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation == Qt::Horizontal && section == Excluded)
        return excludedHeader(role);
    // The column's tooltip carries the model-level verdict.
    if (orientation == Qt::Horizontal && section == BeyondRounding && role == Qt::ToolTipRole) {
        const QString verdict = weightsVerdict();
        return verdict.isEmpty() ? tr("Elements whose error exceeds half a quantization step (clipping aside): "
                                      "weights changed since the FP32 file")
                                 : verdict;
    }
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name: return tr("Weight");
    case Kind: return tr("Kind");
    case Consumer: return tr("Node");
    case Shape: return tr("Shape");
    case Type: return tr("Type");
    case PerChannel: return tr("Per channel");
    case Sqnr: return tr("SQNR (dB)");
    case Cosine: return tr("Cosine");
    case Mse: return tr("MSE");
    case MaxAbs: return tr("Max |error|");
    case WorstChannel: return tr("Worst channel (dB)");
    case BeyondRounding: return tr("Beyond rounding");
    }
    return {};
}

QVariant WeightErrorModel::data(const QModelIndex& index, int role) const {
    const WeightError* w = weightAt(index.row());
    if (!w)
        return {};
    if (index.column() == Excluded)
        return excludedData(index.row(), role);
    const bool ok = w->problem.empty();
    const double worst = ok && w->worstChannel >= 0 ? w->perChannel[static_cast<size_t>(w->worstChannel)].sqnrDb : NAN;
    if (role == SortRole) {
        switch (index.column()) {
        case Sqnr: return ok ? w->overall.sqnrDb : HUGE_VAL;
        case Cosine: return ok ? w->overall.cosine : 2.0;
        case Mse: return ok ? w->overall.mse : -1.0;
        case MaxAbs: return ok ? w->overall.maxAbsError : -1.0;
        case WorstChannel: return ok ? worst : HUGE_VAL;
        case BeyondRounding: return ok ? w->split.beyondFraction() : -1.0;
        default: return data(index, Qt::DisplayRole);
        }
    }
    if (role == Qt::ToolTipRole && !ok)
        return QString::fromStdString(w->problem);
    const bool changed = w->weightsChanged();
    if (role == Qt::ToolTipRole && index.column() == BeyondRounding && ok)
        return tr("%1 of %2 elements beyond rounding, %3 clipped; SQNR of rounding and clipping alone: %4 dB")
            .arg(w->split.beyondRounding).arg(w->split.elements).arg(w->split.clipped)
            .arg(QString::fromStdString(formatDb(w->split.roundingSqnrDb)));
    if (role == Qt::ForegroundRole && index.column() == BeyondRounding && changed)
        return QBrush(QColor(200, 40, 40));
    if (role == Qt::TextAlignmentRole && index.column() >= Sqnr)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ForegroundRole && index.column() == Sqnr && ok && w->overall.sqnrDb < 20.0)
        return QBrush(QColor(200, 40, 40));
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Name: return QString::fromStdString(w->name);
    case Kind: return w->kind == QuantizedKind::Bias ? tr("bias") : tr("weight");
    case Consumer: return QString::fromStdString(w->consumer);
    case Shape: return QString::fromStdString(shapeToString(w->shape));
    case Type: return QString::fromStdString(elementTypeName(w->quantizedType));
    case PerChannel: return w->perChannelQuantized ? tr("yes") : tr("no");
    case Sqnr: return ok ? QString::fromStdString(formatDb(w->overall.sqnrDb)) : QString::fromStdString(w->problem);
    case Cosine: return ok ? QString::number(w->overall.cosine, 'f', 6) : QString();
    case Mse: return ok ? QString::number(w->overall.mse, 'e', 3) : QString();
    case MaxAbs: return ok ? QString::number(w->overall.maxAbsError, 'e', 3) : QString();
    case WorstChannel:
        return ok && w->worstChannel >= 0 ? QStringLiteral("%1  #%2").arg(QString::fromStdString(formatDb(worst))).arg(w->worstChannel)
                                          : QString();
    case BeyondRounding:
        return !ok ? QString()
             : changed ? tr("%1 %  weights changed").arg(100.0 * w->split.beyondFraction(), 0, 'f', 1)
                       : tr("%1 %").arg(100.0 * w->split.beyondFraction(), 0, 'f', 1);
    }
    return {};
}

}  // namespace ql
