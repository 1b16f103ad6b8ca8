// Edits the options Re-quantize and Suggest Exclusions use: ONNX Runtime's quantize_static
// options and the calibration method.
#pragma once

#include <QDialog>

#include "quantize/Calibrator.h"
#include "quantize/QuantizerSettings.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLineEdit;

namespace ql {

class QuantizationSettingsDialog : public QDialog {
    Q_OBJECT
public:
    QuantizationSettingsDialog(const QuantizerSettings& settings, const CalibrationOptions& calibration, QWidget* parent = nullptr);

    QuantizerSettings settings() const;
    CalibrationOptions calibration() const;

private:
    void updateEnabled();

    QuantizerSettings base_;
    CalibrationOptions baseCalibration_;
    QComboBox* method_;
    QDoubleSpinBox* percentile_;
    QCheckBox* movingAverage_;
    QComboBox* activationType_;
    QComboBox* weightType_;
    QCheckBox* perChannel_;
    QCheckBox* reduceRange_;
    QCheckBox* activationSymmetric_;
    QCheckBox* weightSymmetric_;
    QCheckBox* quantizeBias_;
    QLineEdit* opTypes_;
};

}  // namespace ql
