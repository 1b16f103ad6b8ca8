#include "PlotStyle.h"

#include <qcustomplot.h>

namespace ql {

void stylePlot(QCustomPlot* plot, const QPalette& pal) {
    plot->setBackground(pal.base());
    for (QCPAxis* axis : {plot->xAxis, plot->yAxis, plot->xAxis2, plot->yAxis2}) {
        axis->setBasePen(QPen(pal.text().color()));
        axis->setTickPen(QPen(pal.text().color()));
        axis->setSubTickPen(QPen(pal.text().color()));
        axis->setTickLabelColor(pal.text().color());
        axis->setLabelColor(pal.text().color());
        axis->grid()->setPen(QPen(pal.mid().color(), 0, Qt::DotLine));
    }
    plot->legend->setBrush(pal.base());
    plot->legend->setBorderPen(QPen(pal.mid().color()));
    plot->legend->setTextColor(pal.text().color());
    for (int i = 0; i < plot->plotLayout()->elementCount(); ++i)
        if (auto* text = qobject_cast<QCPTextElement*>(plot->plotLayout()->elementAt(i)))
            text->setTextColor(pal.text().color());
}

}  // namespace ql
