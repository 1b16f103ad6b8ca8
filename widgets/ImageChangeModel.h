// The Detections tab's list of images: one row per image with how much INT8 changed its
// detections (missed, extra, moved boxes, score lost, report/DetectionReport.h imageChange); rows
// fill in as the workspace runs the images, and sort by SortRole (the change score by default).
#pragma once

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>
#include <QHash>
#include <QStringList>
#include <optional>
#include <vector>

#include "report/DetectionReport.h"

namespace ql {

class ImageChangeModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Image, Change, Missed, Extra, Moved, ScoreDrop, ColumnCount };
    // Numbers to sort by; images not run yet sort after every figure in either order (NaN here,
    // kept last by ImageChangeProxy).
    static constexpr int SortRole = Qt::UserRole + 1;
    static constexpr int PathRole = Qt::UserRole + 2;

    explicit ImageChangeModel(QObject* parent = nullptr);

    // The images in the folder's order, none run yet (the models or the images changed).
    void setImages(const QStringList& paths);
    void setChange(const QString& path, const ImageChange& change);  // ignored for an image not listed
    const QStringList& images() const { return paths_; }
    std::optional<ImageChange> change(const QString& path) const;
    int rowOf(const QString& path) const { return rows_.value(path, -1); }
    int imagesRun() const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    QStringList paths_;
    QHash<QString, int> rows_;
    std::vector<std::optional<ImageChange>> changes_;
};

// Sorts by ImageChangeModel::SortRole with the images not run yet last in either order, and
// equal figures in the folder's order.
class ImageChangeProxy : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit ImageChangeProxy(QObject* parent = nullptr);

protected:
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;
};

}  // namespace ql
