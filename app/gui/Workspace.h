// The models and analysis results the window shows. Loading and analysis run off the GUI thread;
// widgets observe this object's signals and item models.
#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <memory>

#include "quant/AnalyzedModel.h"
#include "report/ModelSummary.h"

namespace ql {

class WeightErrorModel;

class Workspace : public QObject {
    Q_OBJECT
public:
    enum class Slot { Fp32, Quantized };

    struct LoadedModel {
        AnalyzedModel analyzed;
        ModelSummary summary;
    };

    explicit Workspace(QObject* parent = nullptr);
    ~Workspace() override;

    // Loads in the background. With `slot` unset, a float model goes to the FP32 slot and a
    // quantized one to the quantized slot.
    void openModel(const QString& path, std::optional<Slot> slot = std::nullopt);
    void closeModel(Slot slot);
    const LoadedModel* model(Slot slot) const;
    bool isBusy() const { return pendingJobs_ > 0; }  // loading or analysing

    WeightErrorModel* weightModel() const { return weights_; }

signals:
    void modelChanged(ql::Workspace::Slot slot);
    void busyChanged(bool busy, const QString& message);
    void errorOccurred(const QString& message);
    void weightsChanged();

private:
    void recomputeWeights();

    std::shared_ptr<const LoadedModel> fp32_;
    std::shared_ptr<const LoadedModel> quantized_;
    WeightErrorModel* weights_;
    int pendingJobs_ = 0;
    quint64 weightsGeneration_ = 0;  // discards results of analyses made stale by a newer model
};

}  // namespace ql
