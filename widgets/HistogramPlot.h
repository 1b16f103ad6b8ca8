// FP32 vs quantized value histograms (overlaid) and the error histogram, with QCustomPlot.
#pragma once

#include <QWidget>

#include "metrics/Histogram.h"

class QCustomPlot;

namespace ql {

class HistogramPlot : public QWidget {
    Q_OBJECT
public:
    explicit HistogramPlot(QWidget* parent = nullptr);
    void setHistograms(const HistogramSet& histograms, const QString& title);
    void clearHistograms();
    QCustomPlot* valuesPlot() const { return values_; }

private:
    QCustomPlot* values_;
    QCustomPlot* error_;
};

}  // namespace ql
