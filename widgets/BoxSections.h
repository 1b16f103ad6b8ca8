// The explanation panel's later parts (widgets/BoxExplanationView.h addSection): where in the
// network the explained box was lost (analysis/BoxTrace.h: per traced layer the error inside the
// box's window and over the whole map, the layer where it jumps marked), its four sides' DFL
// distributions in both models, and "fix this box" (analysis/BoxFix.h: the nodes to leave float
// to bring it back, applied as a new run). They show what the workspace computed; none computes.
#pragma once

#include <QWidget>
#include <optional>

#include "analysis/BoxFix.h"
#include "analysis/BoxTrace.h"
#include "detect/BoxExplanation.h"

class QLabel;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace ql {

// Both models' distributions over the 16 bins of the four sides, one small bar chart per side:
// FP32 as an outline, INT8 filled, in the palette's colours.
class DflBars : public QWidget {
    Q_OBJECT
public:
    explicit DflBars(QWidget* parent = nullptr);
    void setDistributions(const std::optional<DflDistributions>& d);
    const std::optional<DflDistributions>& distributions() const { return dfl_; }
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    std::optional<DflDistributions> dfl_;
};

// The per-layer trace of one box: a table (layer, operator, map, local and whole SQNR), the jump
// row marked and selected. Double-clicking a row asks for its layer in the graph and tables.
class BoxTraceView : public QWidget {
    Q_OBJECT
public:
    explicit BoxTraceView(QWidget* parent = nullptr);
    void showPending();                     // the trace is being computed
    void showProblem(const QString& why);   // no trace for this box, and why
    void showTrace(const BoxTrace& trace, const std::optional<DflDistributions>& dfl, const QString& dflProblem = {});
    void clear();
    QTableWidget* table() const { return table_; }
    int markedRow() const;                  // the jump's row, -1 when none (the table is in trace order)
    const DflBars* dflBars() const { return dfl_; }

signals:
    void layerActivated(const QString& fp32Node);  // a row double-clicked: its producer (FP32 name)

private:
    QLabel* title_;
    QLabel* status_;
    QTableWidget* table_;
    QLabel* dflTitle_;
    DflBars* dfl_;
    BoxTrace trace_;
};

// "Fix this box": asks for the nodes to leave float, shows progress with Cancel, then the result
// (which step brought the box back, its score and IoU before and after, the latency cost), with
// a button that applies the list as a new run.
class BoxFixView : public QWidget {
    Q_OBJECT
public:
    explicit BoxFixView(QWidget* parent = nullptr);
    void setAvailable(bool thisBox, bool allMissed, const QString& why = {});
    void showRunning(const QString& what);
    void setProgress(int done, int total, const QString& what);
    void showResult(const QString& html, bool canApply);
    void showProblem(const QString& why);
    void clear();
    QPushButton* suggestButton() const { return suggest_; }
    QPushButton* suggestAllButton() const { return suggestAll_; }
    QPushButton* applyButton() const { return apply_; }
    QPushButton* cancelButton() const { return cancel_; }
    QString resultText() const;
    // The fix in words: per target box (FP32 class names `names`) the step that brought it back
    // (found again: score at least `confidence` and IoU at least kMovedBelowIou, as explain counts
    // it), its INT8 score and IoU before and after, the nodes added and the latency and size cost.
    static QString describe(const BoxFix& fix, const std::vector<Detection>& targets, const std::vector<std::string>& names,
                            float confidence);
    static bool foundAgain(const RecoveredBox& r, float confidence);

signals:
    void suggestRequested(bool allMissed);  // false: the box shown only
    void cancelRequested();
    void applyRequested();

private:
    QPushButton* suggest_;
    QPushButton* suggestAll_;
    QProgressBar* progress_;
    QPushButton* cancel_;
    QLabel* result_;
    QPushButton* apply_;
};

}  // namespace ql
