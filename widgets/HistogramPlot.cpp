#include "HistogramPlot.h"

#include <QVBoxLayout>
#include <qcustomplot.h>

#include "PlotStyle.h"

namespace ql {
namespace {

QCPTextElement* titleOf(QCustomPlot* plot) { return qobject_cast<QCPTextElement*>(plot->plotLayout()->element(0, 0)); }

void setSteps(QCPGraph* graph, const Histogram& h) {
    QVector<double> x, y;
    for (size_t i = 0; i < h.counts.size(); ++i) {
        x << h.binCenter(i);
        y << static_cast<double>(h.counts[i]);
    }
    graph->setData(x, y, true);
}

}  // namespace

HistogramPlot::HistogramPlot(QWidget* parent) : QWidget(parent), values_(new QCustomPlot(this)), error_(new QCustomPlot(this)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(values_, 3);
    layout->addWidget(error_, 2);
    for (QCustomPlot* p : {values_, error_}) {
        p->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
        p->setMinimumHeight(120);
    }
    values_->plotLayout()->insertRow(0);
    values_->plotLayout()->addElement(0, 0, new QCPTextElement(values_, QString(), QFont(font().family(), -1, QFont::Bold)));
    values_->legend->setVisible(true);
    auto* fp32 = values_->addGraph();
    fp32->setName(tr("FP32"));
    fp32->setPen(QPen(QColor(33, 113, 181), 1.6));
    fp32->setLineStyle(QCPGraph::lsStepCenter);
    fp32->setBrush(QColor(33, 113, 181, 40));
    auto* quant = values_->addGraph();
    quant->setName(tr("Quantized"));
    quant->setPen(QPen(QColor(230, 85, 13), 1.6));
    quant->setLineStyle(QCPGraph::lsStepCenter);
    values_->xAxis->setLabel(tr("value"));
    values_->yAxis->setLabel(tr("count"));
    auto* err = error_->addGraph();
    err->setName(tr("Error"));
    err->setPen(QPen(QColor(166, 54, 3), 1.4));
    err->setBrush(QColor(166, 54, 3, 60));
    err->setLineStyle(QCPGraph::lsStepCenter);
    error_->xAxis->setLabel(tr("quantized - FP32"));
    error_->yAxis->setLabel(tr("count"));
    applyPalette();
}

void HistogramPlot::applyPalette() {
    for (QCustomPlot* p : {values_, error_}) {
        stylePlot(p, palette());
        p->replot();
    }
}

void HistogramPlot::changeEvent(QEvent* event) {
    // A theme chosen at run time reaches every widget as a palette change; QCustomPlot keeps the
    // colours it was given, so they are given again.
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        applyPalette();
}

void HistogramPlot::setHistograms(const HistogramSet& h, const QString& title) {
    if (auto* text = titleOf(values_))
        text->setText(title);
    setSteps(values_->graph(0), h.reference);
    setSteps(values_->graph(1), h.quantized);
    setSteps(error_->graph(0), h.error);
    for (QCustomPlot* p : {values_, error_}) {
        p->rescaleAxes();
        p->yAxis->setRangeLower(0);
        p->replot();
    }
}

void HistogramPlot::clearHistograms(const QString& why) {
    if (auto* text = titleOf(values_))
        text->setText(why);
    for (QCustomPlot* p : {values_, error_}) {
        for (int i = 0; i < p->graphCount(); ++i)
            p->graph(i)->data()->clear();
        p->replot();
    }
}

}  // namespace ql

namespace ql {

bool HistogramPlot::isEmpty() const {
    for (QCustomPlot* p : {values_, error_})
        for (int i = 0; i < p->graphCount(); ++i)
            if (!p->graph(i)->data()->isEmpty())
                return false;
    return true;
}

QString HistogramPlot::title() const {
    const auto* text = titleOf(values_);
    return text ? text->text() : QString();
}

}  // namespace ql
