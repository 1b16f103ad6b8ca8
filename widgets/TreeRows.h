// Rows of the two-column property trees (model summary, node panel): a key, a value, and the
// value as tooltip for when the column is too narrow.
#pragma once

#include <QString>
#include <QTreeWidgetItem>
#include <string>

namespace ql {

inline QString toQString(const std::string& s) { return QString::fromStdString(s); }

inline QTreeWidgetItem* addTreeRow(QTreeWidgetItem* parent, const QString& key, const QString& value = {}) {
    auto* item = new QTreeWidgetItem(parent, {key, value});
    item->setToolTip(0, key);
    item->setToolTip(1, value);
    return item;
}

}  // namespace ql
