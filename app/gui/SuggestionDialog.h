// The result of Suggest Exclusions: step by step, the objective on the scoring images and on the
// validation images, the latency with its spread and the size; the groups added and dropped in
// order, steps the validation stop undid, why the search stopped, and Apply.
#pragma once

#include <QDialog>

#include "Workspace.h"

class QCustomPlot;
class QListWidget;

namespace ql {

class SuggestionDialog : public QDialog {
    Q_OBJECT
public:
    SuggestionDialog(const Suggestion& suggestion, const SuggestionRequest& request, QWidget* parent = nullptr);

    // What exec() returns besides Rejected (Close).
    enum Choice { ApplyOnly = QDialog::Accepted, ApplyAndRequantize = QDialog::Accepted + 1 };

    QCustomPlot* plot() const { return plot_; }
    QListWidget* steps() const { return steps_; }

private:
    void plotCurve(const Suggestion& suggestion, const SuggestionRequest& request);

    QCustomPlot* plot_;
    QListWidget* steps_;
};

}  // namespace ql
