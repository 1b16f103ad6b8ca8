// One look for every QCustomPlot of the app: background, axes, grid, legend and titles in the
// palette's colours, so plots read in light and dark themes and follow a change of theme.
#pragma once

#include <QPalette>

class QCustomPlot;

namespace ql {

void stylePlot(QCustomPlot* plot, const QPalette& palette);

}  // namespace ql
