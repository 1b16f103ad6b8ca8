// Shows what a model is: format, opsets, inputs/outputs, metadata, op counts, quantized nodes.
#pragma once

#include <QTreeWidget>

#include "inspect/ModelSummary.h"

namespace ql {

class ModelSummaryView : public QTreeWidget {
    Q_OBJECT
public:
    explicit ModelSummaryView(QWidget* parent = nullptr);
    // `origin` replaces the File row's path: for a model made in the app, which has none
    // ("re-quantized in QuantLens (not saved)").
    void setSummary(const ModelSummary& summary, const QString& origin = QString());
    void clearSummary(const QString& placeholder);
};

}  // namespace ql
