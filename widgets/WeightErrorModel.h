// Qt item model over the backend's per-weight error results, for tables and selection.
#pragma once

#include "ExcludableRowsModel.h"

#include "inspect/WeightComparison.h"

namespace ql {

class WeightErrorModel : public ExcludableRowsModel {
    Q_OBJECT
public:
    enum Column { Excluded = ExcludedColumn, Name, Kind, Consumer, Shape, Type, PerChannel, Sqnr, Cosine, Mse, MaxAbs, WorstChannel, BeyondRounding, ColumnCount };

    explicit WeightErrorModel(QObject* parent = nullptr);
    void setWeights(std::vector<WeightError> weights);
    const WeightError* weightAt(int row) const;
    const std::vector<WeightError>& weights() const { return weights_; }
    // The model-level line when weights changed beyond rounding (QAT, another checkpoint); "" when none.
    QString weightsVerdict() const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    std::vector<WeightError> weights_;
};

}  // namespace ql
