#include "QuantizationSettingsDialog.h"

#include <algorithm>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>

#include "Workspace.h"
#include "quantize/QuantizationRecipe.h"

namespace ql {
namespace {

QComboBox* quantTypeBox(QWidget* parent) {
    auto* box = new QComboBox(parent);
    for (auto type : {QuantType::QUInt8, QuantType::QInt8})
        box->addItem(QString::fromStdString(quantTypeName(type)), static_cast<int>(type));
    return box;
}

QuantType quantTypeOf(const QComboBox* box) { return static_cast<QuantType>(box->currentData().toInt()); }

void selectData(QComboBox* box, const QVariant& value) {
    const int i = box->findData(value);
    if (i >= 0)
        box->setCurrentIndex(i);
}

// Three spin boxes in a row, one per channel, inside a widget for a form row.
QWidget* channelRow(std::array<QDoubleSpinBox*, 3>& boxes, double minimum, const QString& name, QWidget* parent) {
    auto* row = new QWidget(parent);
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    for (int c = 0; c < 3; ++c) {
        boxes[c] = new QDoubleSpinBox(row);
        boxes[c]->setObjectName(name + QString::number(c));
        boxes[c]->setDecimals(4);
        boxes[c]->setRange(minimum, 1000.0);
        boxes[c]->setSingleStep(0.01);
        layout->addWidget(boxes[c]);
    }
    return row;
}

QLabel* wrappingLabel(const QString& name, QWidget* parent) {
    auto* label = new QLabel(parent);
    label->setObjectName(name);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

}  // namespace

QuantizationSettingsDialog::QuantizationSettingsDialog(const Workspace& workspace, QWidget* parent)
    : QDialog(parent), workspace_(workspace), base_(workspace.quantizerSettings()),
      baseCalibration_(workspace.calibrationOptions()), baseCustom_(workspace.preprocessingChoice().custom),
      calibrationImages_(workspace.calibrationImages()),
      calibrationDescription_(wrappingLabel(QStringLiteral("calibrationDescription"), this)),
      useComparisonImages_(new QPushButton(tr("Use Comparison Images"), this)), method_(new QComboBox(this)),
      percentile_(new QDoubleSpinBox(this)), movingAverage_(new QCheckBox(tr("Moving average of the per-image ranges"), this)),
      preprocessingMode_(new QComboBox(this)), preprocessingNote_(wrappingLabel(QStringLiteral("preprocessingNote"), this)),
      resize_(new QComboBox(this)), channels_(new QComboBox(this)), scale_(new QComboBox(this)),
      activationType_(quantTypeBox(this)), weightType_(quantTypeBox(this)),
      perChannel_(new QCheckBox(tr("Per-channel weights"), this)), reduceRange_(new QCheckBox(tr("Reduce range (7-bit weights)"), this)),
      activationSymmetric_(new QCheckBox(tr("Symmetric activations"), this)),
      weightSymmetric_(new QCheckBox(tr("Symmetric weights"), this)), quantizeBias_(new QCheckBox(tr("Quantize bias"), this)),
      opTypes_(new QLineEdit(this)), upgradeOpset_(new QSpinBox(this)),
      keepLastLayerFloat_(new QCheckBox(tr("Keep the last layers float (detector head and output decoding)"), this)),
      recipeNote_(wrappingLabel(QStringLiteral("recipeNote"), this)) {
    setWindowTitle(tr("Quantization Settings"));

    // Calibration: which images, and how their ranges become quantization parameters.
    method_->addItem(tr("MinMax"), static_cast<int>(CalibrationMethod::MinMax));
    method_->addItem(tr("Entropy (KL divergence)"), static_cast<int>(CalibrationMethod::Entropy));
    method_->addItem(tr("Percentile"), static_cast<int>(CalibrationMethod::Percentile));
    percentile_->setObjectName(QStringLiteral("percentile"));
    percentile_->setRange(90.0, 100.0);
    percentile_->setDecimals(4);
    auto* folder = new QPushButton(tr("Folder..."), this);
    auto* files = new QPushButton(tr("Files..."), this);
    auto* imageButtons = new QHBoxLayout;
    imageButtons->addWidget(folder);
    imageButtons->addWidget(files);
    imageButtons->addWidget(useComparisonImages_);
    imageButtons->addStretch();
    auto* calibrationBox = new QGroupBox(tr("Calibration"), this);
    auto* calibrationForm = new QFormLayout(calibrationBox);
    calibrationForm->addRow(tr("Images:"), calibrationDescription_);
    calibrationForm->addRow(QString(), imageButtons);
    calibrationForm->addRow(tr("Method:"), method_);
    calibrationForm->addRow(tr("Percentile:"), percentile_);
    calibrationForm->addRow(QString(), movingAverage_);

    // Preprocessing: one convention for comparison, detections, calibration and suggestions.
    preprocessingMode_->setObjectName(QStringLiteral("preprocessingMode"));
    preprocessingMode_->addItem(tr("Model default (letterbox, RGB, 0-1)"), static_cast<int>(PreprocessingMode::ModelDefault));
    preprocessingMode_->addItem(tr("Automatic (most confident FP32 detections)"), static_cast<int>(PreprocessingMode::Automatic));
    preprocessingMode_->addItem(tr("Custom"), static_cast<int>(PreprocessingMode::Custom));
    resize_->setObjectName(QStringLiteral("resizeMode"));
    resize_->addItem(tr("Letterbox, centred"), static_cast<int>(ResizeMode::Letterbox));
    resize_->addItem(tr("Letterbox, top-left"), static_cast<int>(ResizeMode::LetterboxTopLeft));
    resize_->addItem(tr("Stretch"), static_cast<int>(ResizeMode::Stretch));
    channels_->setObjectName(QStringLiteral("channelOrder"));
    channels_->addItem(QStringLiteral("RGB"), true);
    channels_->addItem(QStringLiteral("BGR"), false);
    scale_->setObjectName(QStringLiteral("scale"));
    scale_->addItem(tr("1/255 (values 0-1)"), 1.0 / 255.0);
    scale_->addItem(tr("1 (values 0-255)"), 1.0);
    auto* preprocessBox = new QGroupBox(tr("Image preprocessing"), this);
    auto* preprocessForm = new QFormLayout(preprocessBox);
    preprocessForm->addRow(tr("Convention:"), preprocessingMode_);
    preprocessForm->addRow(QString(), preprocessingNote_);
    preprocessForm->addRow(tr("Resize:"), resize_);
    preprocessForm->addRow(tr("Channel order:"), channels_);
    preprocessForm->addRow(tr("Scale:"), scale_);
    preprocessForm->addRow(tr("Mean:"), channelRow(mean_, -1000.0, QStringLiteral("mean"), this));
    preprocessForm->addRow(tr("Std:"), channelRow(std_, 0.0001, QStringLiteral("std"), this));

    opTypes_->setPlaceholderText(tr("ONNX Runtime's default set"));
    auto* quantBox = new QGroupBox(tr("Quantization (quantize_static, QDQ)"), this);
    auto* quantForm = new QFormLayout(quantBox);
    quantForm->addRow(tr("Activation type:"), activationType_);
    quantForm->addRow(tr("Weight type:"), weightType_);
    quantForm->addRow(QString(), perChannel_);
    quantForm->addRow(QString(), reduceRange_);
    quantForm->addRow(QString(), activationSymmetric_);
    quantForm->addRow(QString(), weightSymmetric_);
    quantForm->addRow(QString(), quantizeBias_);
    quantForm->addRow(tr("Op types to quantize:"), opTypes_);
    // Older exports, as `quantlens-cli quantize --upgrade-opset N --keep-last-layer-float`.
    upgradeOpset_->setObjectName(QStringLiteral("upgradeOpset"));
    upgradeOpset_->setRange(0, 21);
    upgradeOpset_->setSpecialValueText(tr("no conversion"));
    upgradeOpset_->setToolTip(tr("Convert an older export to this opset with ONNX's version converter before "
                                 "calibrating (per-channel weights need opset 13); a model already at it or above "
                                 "is not converted"));
    keepLastLayerFloat_->setObjectName(QStringLiteral("keepLastLayerFloat"));
    keepLastLayerFloat_->setToolTip(tr("Leave the last Conv/Gemm/MatMul before each output and the decoding after "
                                       "them float, as a YOLOv9-QAT export does; your exclusion list is unchanged"));
    quantForm->addRow(tr("Convert to opset:"), upgradeOpset_);
    quantForm->addRow(QString(), keepLastLayerFloat_);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    auto* importButton = new QPushButton(tr("Import Recipe..."), this);
    importButton->setToolTip(tr("Read the settings, calibration images, preprocessing and exclusions from the JSON "
                                "that quantlens-cli quantize --export-json writes"));
    // Two columns: the dialog fits a 1366x768 screen.
    auto* left = new QVBoxLayout;
    left->addWidget(calibrationBox);
    left->addWidget(preprocessBox);
    left->addStretch();
    auto* right = new QVBoxLayout;
    right->addWidget(quantBox);
    right->addWidget(recipeNote_);
    right->addStretch();
    auto* columns = new QHBoxLayout;
    columns->addLayout(left, 1);
    columns->addLayout(right, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(columns);
    auto* bottom = new QHBoxLayout;  // the import apart from OK/Cancel, on the left
    bottom->addWidget(importButton);
    bottom->addWidget(buttons, 1);
    layout->addLayout(bottom);
    recipeNote_->hide();

    setSettingsFields(base_);
    setCalibrationFields(baseCalibration_);
    selectData(preprocessingMode_, static_cast<int>(workspace.preprocessingChoice().mode));
    setPreprocessingFields(baseCustom_);
    updateCalibrationDescription();

    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(importButton, &QPushButton::clicked, this, &QuantizationSettingsDialog::chooseRecipe);
    connect(method_, &QComboBox::currentIndexChanged, this, &QuantizationSettingsDialog::updateEnabled);
    connect(preprocessingMode_, &QComboBox::currentIndexChanged, this, &QuantizationSettingsDialog::updateEnabled);
    connect(folder, &QPushButton::clicked, this, [this] {
        const QString start = calibrationImages_.isEmpty() ? QString() : QFileInfo(calibrationImages_.front()).absolutePath();
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Calibration Images Folder"), start);
        if (!dir.isEmpty())
            setCalibrationImages({dir});
    });
    connect(files, &QPushButton::clicked, this, [this] {
        const QString start = calibrationImages_.isEmpty() ? QString() : QFileInfo(calibrationImages_.front()).absolutePath();
        const QStringList chosen = QFileDialog::getOpenFileNames(this, tr("Calibration Images"), start,
                                                                 tr("Images (*.jpg *.jpeg *.png *.bmp *.tif *.tiff *.webp)"));
        if (!chosen.isEmpty())
            setCalibrationImages(chosen);
    });
    connect(useComparisonImages_, &QPushButton::clicked, this, [this] { setCalibrationImages({}); });
    updateEnabled();
}

void QuantizationSettingsDialog::setSettingsFields(const QuantizerSettings& settings) {
    selectData(activationType_, static_cast<int>(settings.activationType));
    selectData(weightType_, static_cast<int>(settings.weightType));
    perChannel_->setChecked(settings.perChannel);
    reduceRange_->setChecked(settings.reduceRange);
    activationSymmetric_->setChecked(settings.activationSymmetric);
    weightSymmetric_->setChecked(settings.effectiveWeightSymmetric());
    quantizeBias_->setChecked(settings.quantizeBias);
    QStringList ops;
    for (const auto& op : settings.opTypesToQuantize)
        ops << QString::fromStdString(op);
    opTypes_->setText(ops.join(QStringLiteral(", ")));
    upgradeOpset_->setValue(settings.upgradeOpset);
    keepLastLayerFloat_->setChecked(settings.keepLastLayerFloat);
}

void QuantizationSettingsDialog::setCalibrationFields(const CalibrationOptions& calibration) {
    selectData(method_, static_cast<int>(calibration.method));
    percentile_->setValue(calibration.percentile);
    movingAverage_->setChecked(calibration.movingAverage);
}

void QuantizationSettingsDialog::setPreprocessingFields(const PreprocessOptions& o) {
    selectData(resize_, static_cast<int>(o.resize));
    selectData(channels_, o.rgb);
    int scale = -1;
    for (int i = 0; i < scale_->count(); ++i)
        if (static_cast<float>(scale_->itemData(i).toDouble()) == o.scale)
            scale = i;
    if (scale < 0) {  // neither 1/255 nor 1 (a recipe may say 1/127.5): shown as it is
        scale_->addItem(QString::number(o.scale, 'g', 6), static_cast<double>(o.scale));
        scale = scale_->count() - 1;
    }
    scale_->setCurrentIndex(scale);
    for (int c = 0; c < 3; ++c) {
        mean_[c]->setValue(o.mean[c]);
        std_[c]->setValue(o.stddev[c]);
    }
}

void QuantizationSettingsDialog::updateEnabled() {
    const auto method = static_cast<CalibrationMethod>(method_->currentData().toInt());
    percentile_->setEnabled(method == CalibrationMethod::Percentile);
    movingAverage_->setEnabled(method == CalibrationMethod::MinMax);
    const auto mode = static_cast<PreprocessingMode>(preprocessingMode_->currentData().toInt());
    const bool custom = mode == PreprocessingMode::Custom;
    for (QWidget* w : std::initializer_list<QWidget*>{resize_, channels_, scale_})
        w->setEnabled(custom);
    for (int c = 0; c < 3; ++c) {
        mean_[c]->setEnabled(custom);
        std_[c]->setEnabled(custom);
    }
    // What the workspace chose automatically, while that is what is selected.
    const QString note = mode == workspace_.preprocessingChoice().mode && mode == PreprocessingMode::Automatic
                             ? workspace_.preprocessingNote()
                             : QString();
    preprocessingNote_->setText(mode == PreprocessingMode::Automatic && note.isEmpty()
                                    ? tr("Chosen on the first comparison images once the FP32 model and images are open.")
                                    : note);
    preprocessingNote_->setVisible(!preprocessingNote_->text().isEmpty());
    useComparisonImages_->setEnabled(!calibrationImages_.isEmpty());
}

void QuantizationSettingsDialog::updateCalibrationDescription() {
    const QString text = workspace_.describeCalibration(calibrationImages_);
    // A long path has no spaces to wrap at: a zero-width space after each slash lets it wrap there
    // rather than widen the dialog past a small screen. The tooltip keeps it whole.
    QString shown = text;
    shown.replace(QLatin1Char('/'), QStringLiteral("/\u200b"));
    calibrationDescription_->setText(shown);
    calibrationDescription_->setToolTip(text);
}

void QuantizationSettingsDialog::setCalibrationImages(const QStringList& paths) {
    calibrationImages_ = paths;
    updateCalibrationDescription();
    updateEnabled();
}

QuantizerSettings QuantizationSettingsDialog::settings() const {
    QuantizerSettings s = base_;
    s.activationType = quantTypeOf(activationType_);
    s.weightType = quantTypeOf(weightType_);
    s.perChannel = perChannel_->isChecked();
    s.reduceRange = reduceRange_->isChecked();
    s.activationSymmetric = activationSymmetric_->isChecked();
    s.weightSymmetric = weightSymmetric_->isChecked();
    s.quantizeBias = quantizeBias_->isChecked();
    s.opTypesToQuantize.clear();
    for (const QString& op : opTypes_->text().split(QLatin1Char(','), Qt::SkipEmptyParts))
        if (!op.trimmed().isEmpty())
            s.opTypesToQuantize.push_back(op.trimmed().toStdString());
    s.upgradeOpset = upgradeOpset_->value();
    s.keepLastLayerFloat = keepLastLayerFloat_->isChecked();
    return s;
}

CalibrationOptions QuantizationSettingsDialog::calibration() const {
    CalibrationOptions c = baseCalibration_;
    c.method = static_cast<CalibrationMethod>(method_->currentData().toInt());
    c.percentile = percentile_->value();
    c.movingAverage = movingAverage_->isChecked();
    return c;
}

PreprocessingChoice QuantizationSettingsDialog::preprocessing() const {
    PreprocessingChoice choice;
    choice.mode = static_cast<PreprocessingMode>(preprocessingMode_->currentData().toInt());
    choice.custom = baseCustom_;
    choice.custom.resize = static_cast<ResizeMode>(resize_->currentData().toInt());
    choice.custom.rgb = channels_->currentData().toBool();
    choice.custom.scale = static_cast<float>(scale_->currentData().toDouble());
    for (int c = 0; c < 3; ++c) {
        choice.custom.mean[c] = static_cast<float>(mean_[c]->value());
        choice.custom.stddev[c] = static_cast<float>(std_[c]->value());
    }
    return choice;
}

bool QuantizationSettingsDialog::importRecipe(const QString& path, QString* error) {
    auto recipe = readRecipe(path.toStdString());
    if (!recipe) {
        *error = QString::fromStdString(recipe.errorMessage());
        return false;
    }
    const std::vector<std::string> workspaceExclusions = base_.nodesToExclude;
    base_ = recipe->settings;
    base_.nodesToExclude = workspaceExclusions;  // the list itself is importedExclusions_
    setSettingsFields(recipe->settings);
    baseCalibration_ = recipe->calibration;
    setCalibrationFields(recipe->calibration);
    if (!recipe->calibrationImages.empty()) {
        QStringList images;
        for (const auto& i : recipe->calibrationImages)
            images << QString::fromStdString(i);
        setCalibrationImages(images);
    }
    // The convention the recipe calibrated with, whatever chose it (flags or --preprocess auto).
    baseCustom_ = recipe->calibration.preprocess;
    setPreprocessingFields(recipe->calibration.preprocess);
    selectData(preprocessingMode_, static_cast<int>(PreprocessingMode::Custom));
    std::vector<std::string> excluded = recipe->settings.nodesToExclude;
    std::sort(excluded.begin(), excluded.end());
    importedExclusions_ = excluded;
    importedRecipe_ = QFileInfo(path).fileName();
    recipeNote_->setText(tr("Imported %1. On OK its %n excluded nodes replace the exclusion list (Edit > Undo "
                            "restores it).", nullptr, static_cast<int>(excluded.size()))
                             .arg(importedRecipe_));
    recipeNote_->show();
    updateEnabled();
    return true;
}

void QuantizationSettingsDialog::chooseRecipe() {
    QSettings store;
    const QString path = QFileDialog::getOpenFileName(this, tr("Import Recipe"), store.value(QStringLiteral("paths/lastRecipeDir")).toString(),
                                                      tr("Quantization recipes (*.json);;All files (*)"));
    if (path.isEmpty())
        return;
    store.setValue(QStringLiteral("paths/lastRecipeDir"), QFileInfo(path).absolutePath());
    QString error;
    if (!importRecipe(path, &error))
        QMessageBox::warning(this, tr("Import Recipe"), error);
}

void QuantizationSettingsDialog::applyTo(Workspace& workspace) const {
    workspace.setQuantizerSettings(settings());
    workspace.setCalibrationOptions(calibration());
    workspace.setCalibrationImages(calibrationImages_);
    workspace.setPreprocessingChoice(preprocessing());
    if (importedExclusions_ && *importedExclusions_ != workspace.exclusions())
        workspace.applyExclusions(*importedExclusions_, tr("Import recipe %1").arg(importedRecipe_));
}

}  // namespace ql
