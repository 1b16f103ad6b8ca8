// Analysis › Study: the variants to compare (calibration methods, per-channel weights, calibration
// sizes, exclusion lists) and other model files, run as one backend study (study/Study.h) in the
// background with progress and Cancel; its table (the CLI's columns, sortable), its Pareto plot
// (the backend's own drawing), a row opened as the quantized model, and the table exported
// through the backend's writers. Finished rows are kept in the study cache on disk, so running
// again with one variant added computes that variant only.
#pragma once

#include <QDialog>
#include <atomic>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "study/Study.h"

class QCheckBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace ql {

// What a study starts from: the FP32 model, the labelled images, the options the session uses
// (detector, preprocessing, calibration set, quantizer settings, cache folders), and the
// exclusion lists the user can pick (the current one and the runs' ones), named.
struct StudyInputs {
    std::shared_ptr<const OnnxModel> fp32;
    std::shared_ptr<const YoloDataset> data;
    StudyOptions options;
    std::vector<std::pair<std::string, std::vector<std::string>>> exclusionLists;  // name, FP32 node names
};

class StudyDialog : public QDialog {
    Q_OBJECT
public:
    explicit StudyDialog(StudyInputs inputs, QWidget* parent = nullptr);
    ~StudyDialog() override;

    // The variants the choices make: methods × per-channel × calibration sizes × exclusion lists,
    // the first axis varying slowest (as `study --vary`); empty when none is ticked on some axis,
    // or when a calibration size is not "all" or a positive whole number (`error` says which).
    std::vector<StudyVariant> variants(QString* error = nullptr) const;
    QStringList otherModels() const;
    void addOtherModel(const QString& path);

    void start();   // runs the study in the background; finished() when done, failed or cancelled
    void cancel();
    bool isRunning() const { return running_; }
    const std::optional<StudyResult>& result() const { return result_; }
    QTableWidget* table() const { return table_; }
    // The table through the backend's writer ("csv" or "md"), written without touching an input.
    bool exportTable(const QString& path, const QString& format, QString* error) const;

signals:
    void finished();
    void openModelRequested(const QString& path);  // a row's model, to become the quantized model

private:
    void showResult();
    void exportAs(const QString& format);
    void openSelectedRow();
    void setRunning(bool running);

    StudyInputs inputs_;
    QCheckBox* minmax_;
    QCheckBox* entropy_;
    QCheckBox* percentile_;
    QCheckBox* perTensor_;
    QCheckBox* perChannel_;
    QLineEdit* sizes_;
    QListWidget* exclusions_;
    QListWidget* models_;
    QPushButton* run_;
    QPushButton* cancel_;
    QProgressBar* progress_;
    QLabel* status_;
    QTableWidget* table_;
    QLabel* plot_;
    QPushButton* open_;
    QPushButton* exportCsv_;
    QPushButton* exportMd_;
    std::optional<StudyResult> result_;
    std::shared_ptr<std::atomic<bool>> cancelFlag_;
    bool running_ = false;
};

}  // namespace ql
