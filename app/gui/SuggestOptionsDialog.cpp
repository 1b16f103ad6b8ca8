#include "SuggestOptionsDialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>

namespace ql {

SuggestOptionsDialog::SuggestOptionsDialog(const SuggestionRequest& request, int imageCount, int currentExclusions,
                                           int dataSetImages, QWidget* parent)
    : QDialog(parent), objective_(new QComboBox(this)), target_(new QDoubleSpinBox(this)), grouping_(new QComboBox(this)),
      maxSteps_(new QSpinBox(this)), scoredImages_(new QSpinBox(this)),
      fromCurrent_(new QCheckBox(tr("Start from the current exclusions (%n node(s))", nullptr, currentExclusions), this)),
      sqnrTarget_(request.objective == Objective::OutputSqnr ? request.target : SuggestionRequest{}.target),
      fidelityTarget_(request.objective != Objective::OutputSqnr ? request.target : 0.95) {
    setWindowTitle(tr("Suggest Exclusions"));
    objective_->addItem(tr("Output SQNR (dB)"), static_cast<int>(Objective::OutputSqnr));
    objective_->addItem(tr("Detection fidelity (mAP@0.5 against FP32 detections)"),
                        static_cast<int>(Objective::DetectionFidelity));
    objective_->addItem(tr("Box precision (mAP@0.5:0.95 against FP32 detections)"),
                        static_cast<int>(Objective::Fidelity50to95));
    if (dataSetImages > 0) {  // File > Open Labelled Data Set: accuracy itself, scored on its images
        objective_->addItem(tr("Accuracy (mAP@0.5:0.95 against the data set's labels, %n images)", nullptr, dataSetImages),
                            static_cast<int>(Objective::Map50to95));
        objective_->addItem(tr("Accuracy (mAP@0.5 against the data set's labels, %n images)", nullptr, dataSetImages),
                            static_cast<int>(Objective::Map50));
    }
    objective_->setCurrentIndex(std::max(0, objective_->findData(static_cast<int>(request.objective))));
    grouping_->addItem(tr("Modules (/model.N/)"), 1);
    grouping_->addItem(tr("Sub-modules (/model.N/m.K/)"), 2);
    grouping_->addItem(tr("Single nodes"), 0);
    grouping_->setCurrentIndex(std::max(0, grouping_->findData(request.prefixDepth)));
    maxSteps_->setRange(1, 100);
    maxSteps_->setValue(request.maxSteps);
    const int available = std::max({1, imageCount, dataSetImages});  // the data set's images score the mAP objectives
    scoredImages_->setRange(1, available);
    scoredImages_->setValue(std::min(request.scoredImages, available));
    scoredImages_->setToolTip(tr("Each candidate is quantized and run on these images: more images, a steadier "
                                 "choice and a slower search."));

    maxLatency_ = new QDoubleSpinBox(this);
    maxLatency_->setRange(0.0, 100000.0);
    maxLatency_->setDecimals(1);
    maxLatency_->setSuffix(tr(" ms"));
    maxLatency_->setSpecialValueText(tr("none"));
    maxLatency_->setValue(request.maxLatencyMs);
    maxLatency_->setToolTip(tr("A step whose quantized model runs slower than this (median) is not taken: the "
                               "objective is made as high as this budget allows."));
    validate_ = new QCheckBox(tr("Check each step on the images not scored on, and stop when they stop improving"), this);
    validate_->setChecked(request.validateOnRest);

    auto* form = new QFormLayout;
    form->addRow(tr("Aim for:"), objective_);
    form->addRow(tr("Target:"), target_);
    form->addRow(tr("Try excluding:"), grouping_);
    form->addRow(tr("At most this many steps:"), maxSteps_);
    form->addRow(tr("Images to score on:"), scoredImages_);
    form->addRow(tr("Latency budget:"), maxLatency_);
    form->addRow(QString(), validate_);
    // By default the search starts from a fully quantized model, so its result does not depend on
    // what happens to be ticked now.
    fromCurrent_->setChecked(request.fromCurrentExclusions && currentExclusions > 0);
    fromCurrent_->setEnabled(currentExclusions > 0);
    form->addRow(QString(), fromCurrent_);
    tryInt16_ = new QCheckBox(tr("Try INT16 before float"), this);
    tryInt16_->setObjectName(QStringLiteral("tryInt16"));
    tryInt16_->setToolTip(tr("Each group the search leaves float is tried with 16-bit activations and weights "
                             "(TensorQuantOverrides) first, and stays INT16 when that scores as well as float"));
    tryInt16_->setChecked(request.tryInt16);
    form->addRow(QString(), tryInt16_);
    auto* note = new QLabel(tr("Modules, then the sub-modules and nodes inside the most harmful ones, are each left "
                               "in float alone to rank them; then the best of the next few is excluded at each step "
                               "(a big group only when it gains far more than a small one) until the target is "
                               "reached, and exclusions that no longer help are dropped at the end. Calibration "
                               "statistics are cached, so each candidate costs one quantization and a few inferences."),
                            this);
    note->setWordWrap(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    showTarget(request.objective != Objective::OutputSqnr);
    connect(objective_, &QComboBox::currentIndexChanged, this, &SuggestOptionsDialog::objectiveChanged);
}

void SuggestOptionsDialog::objectiveChanged() {
    // Each objective keeps its own target, so switching back and forth loses nothing.
    (shownFidelity_ ? fidelityTarget_ : sqnrTarget_) = target_->value();
    showTarget(static_cast<Objective>(objective_->currentData().toInt()) != Objective::OutputSqnr);
}

void SuggestOptionsDialog::showTarget(bool fidelity) {
    shownFidelity_ = fidelity;
    target_->setDecimals(fidelity ? 3 : 1);
    target_->setRange(0.0, fidelity ? 1.0 : 100.0);
    target_->setSingleStep(fidelity ? 0.01 : 1.0);
    target_->setSuffix(fidelity ? QString() : tr(" dB"));
    target_->setValue(fidelity ? fidelityTarget_ : sqnrTarget_);
}

SuggestionRequest SuggestOptionsDialog::request() const {
    SuggestionRequest r;
    r.objective = static_cast<Objective>(objective_->currentData().toInt());
    r.target = target_->value();
    r.prefixDepth = grouping_->currentData().toInt();
    r.maxSteps = maxSteps_->value();
    r.scoredImages = scoredImages_->value();
    r.fromCurrentExclusions = fromCurrent_->isChecked();
    r.maxLatencyMs = maxLatency_->value();
    r.validateOnRest = validate_->isChecked();
    r.tryInt16 = tryInt16_->isChecked();
    return r;
}

}  // namespace ql
