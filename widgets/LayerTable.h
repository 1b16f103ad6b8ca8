// A sortable, filterable table of per-layer metrics; reports the row the user selects.
#pragma once

#include <QWidget>

class QLineEdit;
class QSortFilterProxyModel;
class QTableView;
class QAbstractItemModel;

namespace ql {

class LayerTable : public QWidget {
    Q_OBJECT
public:
    explicit LayerTable(QWidget* parent = nullptr);
    void setModel(QAbstractItemModel* model, int sortRole, int initialSortColumn);
    QTableView* view() const { return view_; }
    void selectSourceRow(int row);  // selects and shows a row given in source-model terms
    void setHeader(QWidget* header);  // shown above the filter (a summary of what the table details)

signals:
    void currentSourceRowChanged(int row);  // row in the source model, -1 for none

private:
    QLineEdit* filter_;
    QTableView* view_;
    QSortFilterProxyModel* proxy_;
};

}  // namespace ql
