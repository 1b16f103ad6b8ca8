// The Runs dock: the session's runs in a table (widgets/RunsModel.h), a plot of one metric across
// them, and, with two runs selected, the two side by side: every figure with its change, the
// exclusions one has and the other not, and the layers whose error changed most.
#pragma once

#include <QWidget>
#include <functional>
#include <memory>

#include "analysis/ActivationComparison.h"
#include "RunsModel.h"

class QComboBox;
class QCustomPlot;
class QLabel;
class QPushButton;
class QTabWidget;
class QTableView;
class QTextBrowser;

namespace ql {

class RunsView : public QWidget {
    Q_OBJECT
public:
    explicit RunsView(QWidget* parent = nullptr);

    // `reportOf` gives a run's comparison when it was measured in this session (the per-layer
    // figures of the two-run comparison); null otherwise.
    void setRuns(std::vector<Run> runs, int current, QSet<int> withModel,
                 std::function<std::shared_ptr<const ActivationReport>(int)> reportOf);
    RunsModel* model() const { return model_; }
    QTableView* table() const { return table_; }
    QCustomPlot* plot() const { return plot_; }
    void selectRuns(const QList<int>& numbers);  // rows of those runs
    QList<int> selectedRuns() const;             // in table order
    QString comparisonText() const;              // the two-run comparison as shown (plain text)
    // Under the table: how far the baseline (settings made here, no exclusions) is from the
    // loaded model, once both are measured; else how to compare.
    QString driftNote() const;
    void setPlotMetric(RunsModel::Column column);
    // A line under the table for figures that are no run's: the FP32 model's mAP on the data set.
    void setReference(const QString& text);

signals:
    void showRunRequested(int number);
    void exportCsvRequested();

protected:
    void changeEvent(QEvent* event) override;  // plots follow the theme

private:
    void updatePlot();
    void updateComparison();
    void updateButtons();

    RunsModel* model_;
    QTableView* table_;
    QComboBox* metric_;
    QCustomPlot* plot_;
    QTextBrowser* comparison_;
    QPushButton* show_;
    QPushButton* export_;
    QLabel* hint_;
    QTabWidget* side_;  // the plot and the comparison
    QString reference_;
    std::function<std::shared_ptr<const ActivationReport>(int)> reportOf_;
};

}  // namespace ql
