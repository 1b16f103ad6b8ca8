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
    int currentSourceRow() const;   // -1 for none
    // Sizes the columns to their contents, then narrows `nameColumn` (names elided in the middle)
    // until `valueColumn` ends inside the view, so a name and its figure show without scrolling
    // on a small screen; again on every resize.
    void setKeyColumns(int nameColumn, int valueColumn);
    void fitColumns();
    void setHeader(QWidget* header);  // shown above the filter (a summary of what the table details)

signals:
    void currentSourceRowChanged(int row);  // row in the source model, -1 for none

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    QLineEdit* filter_;
    int nameColumn_ = -1;
    int valueColumn_ = -1;
    QTableView* view_;
    QSortFilterProxyModel* proxy_;
};

}  // namespace ql
