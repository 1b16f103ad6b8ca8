// Shows what a model is: format, opsets, inputs/outputs, metadata, op counts, quantized nodes.
#pragma once

#include <QTreeWidget>

#include "report/ModelSummary.h"

namespace ql {

class ModelSummaryView : public QTreeWidget {
    Q_OBJECT
public:
    explicit ModelSummaryView(QWidget* parent = nullptr);
    void setSummary(const ModelSummary& summary);
    void clearSummary(const QString& placeholder);
};

}  // namespace ql
