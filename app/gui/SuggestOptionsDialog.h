// Asks what Suggest Exclusions should aim for (output SQNR, detection fidelity at IoU 0.5 or
// 0.5:0.95, and the target), how it groups nodes, how far it may go, on how many images it scores
// each candidate, whether the other images validate each step, and any latency budget.
#pragma once

#include <QDialog>

#include "Workspace.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QSpinBox;

namespace ql {

class SuggestOptionsDialog : public QDialog {
    Q_OBJECT
public:
    // currentExclusions: the length of the exclusion list the search may start from.
    // `dataSetImages` > 0 (a labelled data set is open) adds the objectives scored against its labels.
    SuggestOptionsDialog(const SuggestionRequest& request, int imageCount, int currentExclusions, int dataSetImages = 0,
                         QWidget* parent = nullptr);

    SuggestionRequest request() const;

private:
    void objectiveChanged();
    void showTarget(bool fidelity);

    QComboBox* objective_;
    QDoubleSpinBox* target_;
    QComboBox* grouping_;
    QSpinBox* maxSteps_;
    QSpinBox* scoredImages_;
    QCheckBox* fromCurrent_;
    QDoubleSpinBox* maxLatency_ = nullptr;
    QCheckBox* validate_ = nullptr;
    QCheckBox* tryInt16_ = nullptr;
    double sqnrTarget_;
    double fidelityTarget_;
    bool shownFidelity_ = false;
};

}  // namespace ql
