// Qt item model over the backend's per-layer activation error, for the layer table.
#pragma once

#include "ExcludableRowsModel.h"

#include "analysis/ActivationComparison.h"

namespace ql {

class ActivationErrorModel : public ExcludableRowsModel {
    Q_OBJECT
public:
    enum Column { Excluded = ExcludedColumn, Tensor, Op, Accumulated, Rounding, Cosine, Mse, MaxAbs, Clipped, RangeUsed, ColumnCount };

    explicit ActivationErrorModel(QObject* parent = nullptr);
    void setReport(ActivationReport report);
    const ActivationReport& report() const { return report_; }
    const ActivationError* layerAt(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    ActivationReport report_;
};

}  // namespace ql
