#include "ExcludableRowsModel.h"

namespace ql {

void ExcludableRowsModel::setRowNodes(const QStringList& nodes) {
    rowNodes_ = nodes;
    if (rowCount() > 0)
        emit dataChanged(index(0, ExcludedColumn), index(rowCount() - 1, ExcludedColumn));
}

void ExcludableRowsModel::setExcluded(const QSet<QString>& names) {
    excluded_ = names;
    if (rowCount() > 0)
        emit dataChanged(index(0, ExcludedColumn), index(rowCount() - 1, ExcludedColumn), {Qt::CheckStateRole});
}

void ExcludableRowsModel::setInt16(const QSet<QString>& names) {
    if (names == int16_)
        return;
    int16_ = names;
    if (rowCount() > 0)
        emit dataChanged(index(0, ExcludedColumn), index(rowCount() - 1, ExcludedColumn), {Qt::DisplayRole, Qt::ToolTipRole});
}

QString ExcludableRowsModel::rowNode(int row) const { return row >= 0 && row < rowNodes_.size() ? rowNodes_[row] : QString(); }

Qt::ItemFlags ExcludableRowsModel::flags(const QModelIndex& index) const {
    Qt::ItemFlags f = QAbstractTableModel::flags(index);
    if (index.column() == ExcludedColumn && !rowNode(index.row()).isEmpty())
        f |= Qt::ItemIsUserCheckable;
    return f;
}

bool ExcludableRowsModel::setData(const QModelIndex& index, const QVariant& value, int role) {
    if (role != Qt::CheckStateRole || index.column() != ExcludedColumn)
        return false;
    const QString node = rowNode(index.row());
    const bool wanted = value.toInt() == Qt::Checked;
    if (node.isEmpty() || wanted == excluded_.contains(node))
        return false;
    emit exclusionToggleRequested(node);
    return true;
}

QVariant ExcludableRowsModel::excludedData(int row, int role) const {
    const QString node = rowNode(row);
    if (node.isEmpty())
        return {};
    const bool excluded = excluded_.contains(node);
    switch (role) {
    case Qt::CheckStateRole: return excluded ? Qt::Checked : Qt::Unchecked;
    case SortRole: return excluded ? 1 : 0;
    case Qt::DisplayRole: return !excluded && int16_.contains(node) ? QStringLiteral("INT16") : QVariant();
    case Qt::ToolTipRole:
        return !excluded && int16_.contains(node) ? tr("%1 is quantized at INT16; tick to keep it float instead").arg(node)
                                                  : tr("Exclude %1 from quantization").arg(node);
    default: return {};
    }
}

QVariant ExcludableRowsModel::excludedHeader(int role) const {
    if (role == Qt::DisplayRole)
        return tr("Float");
    if (role == Qt::ToolTipRole)
        return tr("Ticked: the node is excluded from quantization and stays float when you re-quantize");
    return {};
}

}  // namespace ql
