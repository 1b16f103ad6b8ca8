#include "LayerTable.h"

#include <algorithm>

#include <QHeaderView>
#include <QLineEdit>
#include <QMenu>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace ql {
namespace {

constexpr int kNarrowestName = 160;  // px: a name column narrower than this says nothing

}  // namespace

LayerTable::LayerTable(QWidget* parent) : QWidget(parent) {
    filter_ = new QLineEdit(this);
    filter_->setPlaceholderText(tr("Filter by name..."));
    filter_->setClearButtonEnabled(true);
    view_ = new QTableView(this);
    proxy_ = new QSortFilterProxyModel(this);
    proxy_->setFilterCaseSensitivity(Qt::CaseInsensitive);
    proxy_->setFilterKeyColumn(-1);
    view_->setModel(proxy_);
    view_->setSortingEnabled(true);
    view_->setSelectionBehavior(QAbstractItemView::SelectRows);
    view_->setSelectionMode(QAbstractItemView::SingleSelection);
    view_->setAlternatingRowColors(true);
    view_->verticalHeader()->hide();
    view_->verticalHeader()->setDefaultSectionSize(view_->fontMetrics().height() + 6);
    view_->horizontalHeader()->setStretchLastSection(true);
    view_->setTextElideMode(Qt::ElideMiddle);  // tensor names differ at both ends
    // Any column can be hidden and shown again from the header's menu.
    view_->horizontalHeader()->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(view_->horizontalHeader(), &QHeaderView::customContextMenuRequested, this, [this](const QPoint& at) {
        QMenu menu;
        QAbstractItemModel* model = view_->model();
        for (int c = 0; c < model->columnCount(); ++c) {
            QAction* action = menu.addAction(model->headerData(c, Qt::Horizontal).toString());
            action->setCheckable(true);
            action->setChecked(!view_->isColumnHidden(c));
            connect(action, &QAction::toggled, this, [this, c](bool shown) { view_->setColumnHidden(c, !shown); });
        }
        menu.exec(view_->horizontalHeader()->mapToGlobal(at));
    });
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(filter_);
    layout->addWidget(view_);
    connect(filter_, &QLineEdit::textChanged, proxy_, &QSortFilterProxyModel::setFilterFixedString);
    connect(view_->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex& current) {
        emit currentSourceRowChanged(current.isValid() ? proxy_->mapToSource(current).row() : -1);
    });
}

void LayerTable::setHeader(QWidget* header) {
    static_cast<QVBoxLayout*>(layout())->insertWidget(0, header);
}

void LayerTable::setKeyColumns(int nameColumn, int valueColumn) {
    nameColumn_ = nameColumn;
    valueColumn_ = valueColumn;
    fitColumns();
}

void LayerTable::fitColumns() {
    view_->resizeColumnsToContents();
    if (nameColumn_ < 0 || valueColumn_ < nameColumn_)
        return;
    QHeaderView* header = view_->horizontalHeader();
    const int valueEnd = header->sectionViewportPosition(valueColumn_) + header->sectionSize(valueColumn_) +
                         header->offset();
    const int excess = valueEnd - view_->viewport()->width();
    if (excess > 0)
        header->resizeSection(nameColumn_, std::max(kNarrowestName, header->sectionSize(nameColumn_) - excess));
}

void LayerTable::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    fitColumns();
}

int LayerTable::currentSourceRow() const {
    const QModelIndex current = view_->currentIndex();
    return current.isValid() ? proxy_->mapToSource(current).row() : -1;
}

void LayerTable::selectSourceRow(int row) {
    const QModelIndex index = proxy_->mapFromSource(proxy_->sourceModel()->index(row, 0));
    if (!index.isValid())
        return;
    view_->selectRow(index.row());
    view_->scrollTo(index);
}

void LayerTable::setModel(QAbstractItemModel* model, int sortRole, int initialSortColumn) {
    proxy_->setSourceModel(model);
    proxy_->setSortRole(sortRole);
    view_->sortByColumn(initialSortColumn, Qt::AscendingOrder);
    view_->resizeColumnsToContents();
}

}  // namespace ql
