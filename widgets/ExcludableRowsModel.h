// Base of the layer tables' item models: each row belongs to a node of the FP32 graph, and the
// first column is a tick box that excludes that node from quantization. The tick only asks;
// the workspace decides and answers with setExcluded().
#pragma once

#include <QAbstractTableModel>
#include <QSet>
#include <QStringList>

namespace ql {

class ExcludableRowsModel : public QAbstractTableModel {
    Q_OBJECT
public:
    static constexpr int ExcludedColumn = 0;
    static constexpr int SortRole = Qt::UserRole + 1;  // numbers sort as numbers

    using QAbstractTableModel::QAbstractTableModel;
    void setRowNodes(const QStringList& fp32NodeNames);  // one per row; "" where there is none
    void setExcluded(const QSet<QString>& nodeNames);
    void setInt16(const QSet<QString>& nodeNames);  // nodes quantized at 16 bits: "INT16" beside the tick
    QString rowNode(int row) const;

    Qt::ItemFlags flags(const QModelIndex& index) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role) override;

signals:
    void exclusionToggleRequested(const QString& fp32NodeName);

protected:
    QVariant excludedData(int row, int role) const;   // data() of the tick column
    QVariant excludedHeader(int role) const;

private:
    QStringList rowNodes_;
    QSet<QString> excluded_;
    QSet<QString> int16_;
};

}  // namespace ql
