#include "LayerTable.h"

#include <QHeaderView>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace ql {

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
