#include "QuantizationSettingsDialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLineEdit>
#include <QVBoxLayout>

namespace ql {
namespace {

QComboBox* quantTypeBox(QuantType current, QWidget* parent) {
    auto* box = new QComboBox(parent);
    for (auto type : {QuantType::QUInt8, QuantType::QInt8})
        box->addItem(QString::fromStdString(quantTypeName(type)), static_cast<int>(type));
    box->setCurrentIndex(box->findData(static_cast<int>(current)));
    return box;
}

QuantType quantTypeOf(const QComboBox* box) { return static_cast<QuantType>(box->currentData().toInt()); }

}  // namespace

QuantizationSettingsDialog::QuantizationSettingsDialog(const QuantizerSettings& settings, const CalibrationOptions& calibration,
                                                       QWidget* parent)
    : QDialog(parent), base_(settings), baseCalibration_(calibration), method_(new QComboBox(this)),
      percentile_(new QDoubleSpinBox(this)), movingAverage_(new QCheckBox(tr("Moving average of the per-image ranges"), this)),
      activationType_(quantTypeBox(settings.activationType, this)), weightType_(quantTypeBox(settings.weightType, this)),
      perChannel_(new QCheckBox(tr("Per-channel weights"), this)), reduceRange_(new QCheckBox(tr("Reduce range (7-bit weights)"), this)),
      activationSymmetric_(new QCheckBox(tr("Symmetric activations"), this)),
      weightSymmetric_(new QCheckBox(tr("Symmetric weights"), this)), quantizeBias_(new QCheckBox(tr("Quantize bias"), this)),
      opTypes_(new QLineEdit(this)) {
    setWindowTitle(tr("Quantization Settings"));
    method_->addItem(tr("MinMax"), static_cast<int>(CalibrationMethod::MinMax));
    method_->addItem(tr("Entropy (KL divergence)"), static_cast<int>(CalibrationMethod::Entropy));
    method_->addItem(tr("Percentile"), static_cast<int>(CalibrationMethod::Percentile));
    method_->setCurrentIndex(method_->findData(static_cast<int>(calibration.method)));
    percentile_->setRange(90.0, 100.0);
    percentile_->setDecimals(4);
    percentile_->setValue(calibration.percentile);
    movingAverage_->setChecked(calibration.movingAverage);
    perChannel_->setChecked(settings.perChannel);
    reduceRange_->setChecked(settings.reduceRange);
    activationSymmetric_->setChecked(settings.activationSymmetric);
    weightSymmetric_->setChecked(settings.effectiveWeightSymmetric());
    quantizeBias_->setChecked(settings.quantizeBias);
    QStringList ops;
    for (const auto& op : settings.opTypesToQuantize)
        ops << QString::fromStdString(op);
    opTypes_->setText(ops.join(QStringLiteral(", ")));
    opTypes_->setPlaceholderText(tr("ONNX Runtime's default set"));

    auto* calibrationBox = new QGroupBox(tr("Calibration"), this);
    auto* calibrationForm = new QFormLayout(calibrationBox);
    calibrationForm->addRow(tr("Method:"), method_);
    calibrationForm->addRow(tr("Percentile:"), percentile_);
    calibrationForm->addRow(QString(), movingAverage_);
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
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(calibrationBox);
    layout->addWidget(quantBox);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(method_, &QComboBox::currentIndexChanged, this, &QuantizationSettingsDialog::updateEnabled);
    updateEnabled();
}

void QuantizationSettingsDialog::updateEnabled() {
    const auto method = static_cast<CalibrationMethod>(method_->currentData().toInt());
    percentile_->setEnabled(method == CalibrationMethod::Percentile);
    movingAverage_->setEnabled(method == CalibrationMethod::MinMax);
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
    return s;
}

CalibrationOptions QuantizationSettingsDialog::calibration() const {
    CalibrationOptions c = baseCalibration_;
    c.method = static_cast<CalibrationMethod>(method_->currentData().toInt());
    c.percentile = percentile_->value();
    c.movingAverage = movingAverage_->isChecked();
    return c;
}

}  // namespace ql
