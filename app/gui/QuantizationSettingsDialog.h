// Edits what Re-quantize and Suggest Exclusions use: the calibration set and method, the image
// preprocessing and ONNX Runtime's quantize_static options; imports them, with the exclusion
// list, from a recipe `quantlens-cli quantize --export-json` wrote.
#pragma once

#include <QDialog>
#include <QSet>
#include <QStringList>
#include <array>
#include <optional>

#include "project/Project.h"
#include "quantize/Calibrator.h"
#include "quantize/QuantizerSettings.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace ql {

class Workspace;

class QuantizationSettingsDialog : public QDialog {
    Q_OBJECT
public:
    // Starts from the workspace's current choices; nothing changes there until applyTo().
    explicit QuantizationSettingsDialog(const Workspace& workspace, QWidget* parent = nullptr);

    QuantizerSettings settings() const;  // nodesToExclude as the workspace had them
    CalibrationOptions calibration() const;
    const QStringList& calibrationImages() const { return calibrationImages_; }  // empty: the comparison images
    PreprocessingChoice preprocessing() const;
    // The exclusion list of an imported recipe, which replaces the workspace's on applyTo().
    const std::optional<std::vector<std::string>>& importedExclusions() const { return importedExclusions_; }

    void setCalibrationImages(const QStringList& paths);  // as the Folder/Files buttons do
    // Fills the dialog from the recipe at `path`; false with the reason (naming the file) when
    // it cannot be read, the dialog unchanged.
    bool importRecipe(const QString& path, QString* error);
    // Hands the edited options to the workspace; an imported exclusion list as one undo step.
    void applyTo(Workspace& workspace) const;

private:
    void updateEnabled();
    void updateCalibrationDescription();
    void setPreprocessingFields(const PreprocessOptions& options);
    void setSettingsFields(const QuantizerSettings& settings);
    void setCalibrationFields(const CalibrationOptions& calibration);
    void chooseRecipe();

    const Workspace& workspace_;
    QuantizerSettings base_;
    CalibrationOptions baseCalibration_;
    PreprocessOptions baseCustom_;  // the custom options' fields this dialog does not show (padding)
    QStringList calibrationImages_;
    std::optional<std::vector<std::string>> importedExclusions_;  // sorted
    QString importedRecipe_;  // file name, for the undo step
    QLabel* calibrationDescription_;
    QPushButton* useComparisonImages_;
    QComboBox* method_;
    QDoubleSpinBox* percentile_;
    QCheckBox* movingAverage_;
    QComboBox* preprocessingMode_;
    QLabel* preprocessingNote_;
    QComboBox* resize_;
    QComboBox* channels_;
    QComboBox* scale_;
    std::array<QDoubleSpinBox*, 3> mean_;
    std::array<QDoubleSpinBox*, 3> std_;
    QComboBox* activationType_;
    QComboBox* weightType_;
    QCheckBox* perChannel_;
    QCheckBox* reduceRange_;
    QCheckBox* activationSymmetric_;
    QCheckBox* weightSymmetric_;
    QCheckBox* quantizeBias_;
    QLineEdit* opTypes_;
    QSpinBox* upgradeOpset_;          // 0: no conversion
    QCheckBox* keepLastLayerFloat_;
    QLabel* recipeNote_;
};

}  // namespace ql
