// FP32 vs quantized value histograms (overlaid) and the error histogram, with QCustomPlot. The
// plots take their colours from the palette, again whenever the theme changes.
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
    // Empties both plots; `why` (say, "no histograms for /model.0/conv/Conv") takes the title's place.
    void clearHistograms(const QString& why = QString());
    bool isEmpty() const;  // nothing plotted
    QString title() const;
    QCustomPlot* valuesPlot() const { return values_; }
    QCustomPlot* errorPlot() const { return error_; }

protected:
    void changeEvent(QEvent* event) override;

private:
    void applyPalette();

    QCustomPlot* values_;
    QCustomPlot* error_;
};

}  // namespace ql
