#include "SuggestionDialog.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace ql {
namespace {

QString formatObjective(const Score& score, Objective objective) {
    if (objective == Objective::DetectionFidelity)
        return QStringLiteral("mAP %1").arg(score.fidelityMap50, 0, 'f', 3);
    const double db = score.output.sqnrDb;
    return std::isinf(db) ? SuggestionDialog::tr("exact (float)") : SuggestionDialog::tr("%1 dB").arg(db, 0, 'f', 2);
}

}  // namespace

SuggestionDialog::SuggestionDialog(const Suggestion& suggestion, const SuggestionRequest& request, QWidget* parent)
    : QDialog(parent), plot_(new QCustomPlot(this)), steps_(new QListWidget(this)) {
    setWindowTitle(tr("Suggested Exclusions"));
    plotCurve(suggestion, request);
    for (const auto& step : suggestion.curve)
        steps_->addItem(tr("%1 nodes excluded: %2, %3 ms  %4")
                            .arg(step.excludedNodes)
                            .arg(formatObjective(step.score, request.objective))
                            .arg(step.latencyMs, 0, 'f', 1)
                            .arg(step.group.empty() ? tr("(start)") : QStringLiteral("+ ") + QString::fromStdString(step.group)));

    const QString targetText = request.objective == Objective::DetectionFidelity
                                   ? QStringLiteral("mAP %1").arg(request.target, 0, 'f', 3)
                                   : tr("%1 dB").arg(request.target, 0, 'f', 1);
    auto* summary = new QLabel(suggestion.reachedTarget
                                   ? tr("The target (%1) is reached with %n node(s) left in float:", nullptr,
                                        static_cast<int>(suggestion.nodesToExclude.size())).arg(targetText)
                                   : tr("The target (%1) was not reached in %2 steps; the best found:")
                                         .arg(targetText).arg(request.maxSteps),
                               this);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Apply | QDialogButtonBox::Close, this);
    buttons->button(QDialogButtonBox::Apply)->setText(tr("Apply Exclusions"));
    QPushButton* requantize = buttons->addButton(tr("Apply and Re-quantize"), QDialogButtonBox::AcceptRole);
    // Applying is the usual next move only when the target was reached; otherwise Enter closes.
    requantize->setDefault(suggestion.reachedTarget);
    buttons->button(QDialogButtonBox::Close)->setDefault(!suggestion.reachedTarget);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(summary);
    layout->addWidget(plot_, 1);
    layout->addWidget(steps_);
    layout->addWidget(buttons);
    connect(buttons->button(QDialogButtonBox::Apply), &QPushButton::clicked, this, [this] { done(ApplyOnly); });
    connect(requantize, &QPushButton::clicked, this, [this] { done(ApplyAndRequantize); });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

// The objective (left axis) and the latency (right axis) against excluded nodes, with the target.
void SuggestionDialog::plotCurve(const Suggestion& suggestion, const SuggestionRequest& request) {
    // A model with every node left in float has infinite SQNR: it is drawn at the top of the rest.
    double highest = request.target;
    for (const auto& step : suggestion.curve)
        if (std::isfinite(step.score.value(request.objective)))
            highest = std::max(highest, step.score.value(request.objective));
    QVector<double> excluded, objective, latency;
    for (const auto& step : suggestion.curve) {
        const double value = step.score.value(request.objective);
        excluded << static_cast<double>(step.excludedNodes);
        objective << (std::isfinite(value) ? value : highest);
        latency << step.latencyMs;
    }
    plot_->setMinimumSize(560, 320);
    plot_->legend->setVisible(true);
    plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignRight);
    QCPGraph* quality = plot_->addGraph(plot_->xAxis, plot_->yAxis);
    quality->setName(request.objective == Objective::DetectionFidelity ? tr("detection fidelity (mAP@0.5)")
                                                                       : tr("output SQNR (dB)"));
    quality->setData(excluded, objective);
    quality->setPen(QPen(QColor(0x1f, 0x77, 0xb4), 2));
    quality->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 6));
    QCPGraph* time = plot_->addGraph(plot_->xAxis, plot_->yAxis2);
    time->setName(tr("latency (ms)"));
    time->setData(excluded, latency);
    time->setPen(QPen(QColor(0xd6, 0x27, 0x28), 1.5, Qt::DashLine));
    time->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssSquare, 5));
    auto* target = new QCPItemStraightLine(plot_);
    target->point1->setCoords(0, request.target);
    target->point2->setCoords(1, request.target);
    target->setPen(QPen(Qt::gray, 1, Qt::DotLine));
    auto* targetLabel = new QCPItemText(plot_);
    targetLabel->position->setTypeX(QCPItemPosition::ptAxisRectRatio);
    targetLabel->position->setCoords(0.01, request.target);
    targetLabel->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
    targetLabel->setText(tr("target"));
    targetLabel->setColor(Qt::gray);
    plot_->xAxis->setLabel(tr("excluded nodes"));
    plot_->yAxis->setLabel(quality->name());
    plot_->yAxis2->setLabel(time->name());
    plot_->yAxis2->setVisible(true);
    quality->rescaleAxes();
    time->rescaleValueAxis();
    plot_->yAxis->setRange(plot_->yAxis->range().expanded(request.target));
    plot_->xAxis->scaleRange(1.15);
    plot_->yAxis->scaleRange(1.2);
    plot_->yAxis2->setRange(0, plot_->yAxis2->range().upper * 1.2);
}

}  // namespace ql
