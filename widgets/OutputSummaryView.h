// The final outputs of a comparison at a glance, above the per-layer table: failures first (class
// scores that collapse, exclusions ONNX Runtime undoes), then detection fidelity and each output
// by part (boxes, objectness, class scores), as the quantized model runs when deployed.
#pragma once

#include <QLabel>

namespace ql {

struct ActivationReport;

class OutputSummaryView : public QLabel {
    Q_OBJECT
public:
    explicit OutputSummaryView(QWidget* parent = nullptr);
    void showReport(const ActivationReport& report);
    void setPreprocessingNote(const QString& note);  // how the preprocessing was chosen, when not by default
    void clear();

protected:
    void changeEvent(QEvent* event) override;  // the failure colour follows the palette

private:
    void render();
    const ActivationReport* report_ = nullptr;
    QString preprocessingNote_;  // owned by the workspace's model; valid until the next report
};

}  // namespace ql
