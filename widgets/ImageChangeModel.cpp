#include "ImageChangeModel.h"

#include <QFileInfo>
#include <cmath>
#include <limits>

namespace ql {

ImageChangeModel::ImageChangeModel(QObject* parent) : QAbstractTableModel(parent) {}

void ImageChangeModel::setImages(const QStringList& paths) {
    beginResetModel();
    paths_ = paths;
    rows_.clear();
    for (int i = 0; i < paths.size(); ++i)
        rows_.insert(paths[i], i);
    changes_.assign(static_cast<size_t>(paths.size()), std::nullopt);
    endResetModel();
}

void ImageChangeModel::setChange(const QString& path, const ImageChange& change) {
    const int row = rowOf(path);
    if (row < 0)
        return;
    changes_[static_cast<size_t>(row)] = change;
    emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

std::optional<ImageChange> ImageChangeModel::change(const QString& path) const {
    const int row = rowOf(path);
    return row < 0 ? std::nullopt : changes_[static_cast<size_t>(row)];
}

int ImageChangeModel::imagesRun() const {
    int n = 0;
    for (const auto& c : changes_)
        n += c.has_value();
    return n;
}

int ImageChangeModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : static_cast<int>(paths_.size()); }

int ImageChangeModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant ImageChangeModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const QString& path = paths_[index.row()];
    const auto& c = changes_[static_cast<size_t>(index.row())];
    const auto column = static_cast<Column>(index.column());
    if (role == PathRole)
        return path;
    if (role == Qt::ToolTipRole)
        return column == Image ? path : headerData(index.column(), Qt::Horizontal, Qt::ToolTipRole);
    if (role == Qt::TextAlignmentRole)
        return column == Image ? QVariant(Qt::AlignLeft | Qt::AlignVCenter) : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role == SortRole) {
        if (column == Image)
            return QFileInfo(path).fileName().toLower();
        if (!c)
            return std::numeric_limits<double>::quiet_NaN();
        switch (column) {
        case Change: return c->change;
        case Missed: return static_cast<double>(c->missed);
        case Extra: return static_cast<double>(c->extra);
        case Moved: return static_cast<double>(c->moved);
        case ScoreDrop: return c->scoreDrop;
        default: return {};
        }
    }
    if (role != Qt::DisplayRole)
        return {};
    if (column == Image)
        return QFileInfo(path).fileName();
    if (!c)
        return QString();  // not run yet
    switch (column) {
    case Change: return QString::number(c->change, 'f', 2);
    case Missed: return static_cast<qulonglong>(c->missed);
    case Extra: return static_cast<qulonglong>(c->extra);
    case Moved: return static_cast<qulonglong>(c->moved);
    case ScoreDrop: return c->matched ? QString::number(c->scoreDrop, 'f', 3) : QStringLiteral("\u2013");
    default: return {};
    }
}

QVariant ImageChangeModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::DisplayRole) {
        switch (section) {
        case Image: return tr("Image");
        case Change: return tr("Change");
        case Missed: return tr("Missed");
        case Extra: return tr("Extra");
        case Moved: return tr("Moved");
        case ScoreDrop: return tr("Drop", "Score drop: the mean score the matched boxes lost");
        default: return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case Image: return tr("The image; click a header to sort by that column");
        case Change: return tr("How much INT8 changed the detections: missed + extra + moved boxes, plus 1 − IoU of "
                               "every matched pair. The list starts sorted by it, most changed first.");
        case Missed: return tr("FP32 boxes INT8 did not find");
        case Extra: return tr("INT8 boxes FP32 did not find");
        case Moved: return tr("Boxes both found, overlapping with IoU under %1").arg(kMovedBelowIou, 0, 'f', 1);
        case ScoreDrop: return tr("Score drop: the mean score the matched boxes lost in INT8 (FP32 − INT8)");
        default: return {};
        }
    }
    return {};
}

ImageChangeProxy::ImageChangeProxy(QObject* parent) : QSortFilterProxyModel(parent) {
    setSortRole(ImageChangeModel::SortRole);
    setDynamicSortFilter(true);  // a row moves to its place as its figures come
}

bool ImageChangeProxy::lessThan(const QModelIndex& left, const QModelIndex& right) const {
    const QVariant a = left.data(ImageChangeModel::SortRole), b = right.data(ImageChangeModel::SortRole);
    const bool descending = sortOrder() == Qt::DescendingOrder;
    const bool sameRows = left.row() < right.row();
    if (a.userType() == QMetaType::QString) {
        const int c = a.toString().compare(b.toString());
        return c != 0 ? c < 0 : sameRows != descending;
    }
    const double x = a.toDouble(), y = b.toDouble();
    if (std::isnan(x) || std::isnan(y)) {
        if (std::isnan(x) && std::isnan(y))
            return sameRows != descending;
        return std::isnan(x) == descending;  // not run yet: last
    }
    return x != y ? x < y : sameRows != descending;
}

}  // namespace ql
