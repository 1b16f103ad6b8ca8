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

QString formatValue(double value, Objective objective) {
    if (objective != Objective::OutputSqnr)
        return QString::number(value, 'f', 3);
    return std::isinf(value) ? SuggestionDialog::tr("exact (float)") : SuggestionDialog::tr("%1 dB").arg(value, 0, 'f', 2);
}

QString stepChange(const SuggestionStep& step) {
    switch (step.kind) {
    case SuggestionStep::Kind::Start: return SuggestionDialog::tr("(start)");
    case SuggestionStep::Kind::Added: return QStringLiteral("+ ") + QString::fromStdString(step.group);
    case SuggestionStep::Kind::Dropped: return QStringLiteral("\u2212 ") + QString::fromStdString(step.group);
    case SuggestionStep::Kind::Compared: return SuggestionDialog::tr("(your list)");
    }
    return {};
}

}  // namespace

SuggestionDialog::SuggestionDialog(const Suggestion& suggestion, const SuggestionRequest& request, QWidget* parent)
    : QDialog(parent), plot_(new QCustomPlot(this)), steps_(new QListWidget(this)) {
    setWindowTitle(tr("Suggested Exclusions"));
    const Objective objective = suggestion.objective;
    plotCurve(suggestion, request);
    // One row per step: what changed, the objective on the scoring images (and on the validation
    // images), the latency with its spread and the size. Steps undone by the validation stop are
    // greyed.
    for (size_t i = 0; i < suggestion.curve.size(); ++i) {
        const SuggestionStep& step = suggestion.curve[i];
        QString text = tr("%1. %2 nodes excluded: %3").arg(i).arg(step.excludedNodes).arg(formatValue(step.score.value(objective), objective));
        if (step.validation)
            text += tr(" (validation %1)").arg(formatValue(step.validation->value(objective), objective));
        text += tr(", %1 ms (%2-%3)").arg(step.latencyMs, 0, 'f', 1).arg(step.latency.minMs, 0, 'f', 1).arg(step.latency.p95Ms, 0, 'f', 1);
        if (step.modelBytes > 0)
            text += QStringLiteral(", %1 MB").arg(static_cast<double>(step.modelBytes) / 1e6, 0, 'f', 2);
        text += QStringLiteral("  ") + stepChange(step);
        auto* item = new QListWidgetItem(text, steps_);
        if (!step.kept) {
            item->setText(text + tr("  (undone: validation stopped improving)"));
            item->setForeground(palette().color(QPalette::Disabled, QPalette::Text));
        }
    }

    const QString targetText = std::isfinite(request.target) ? formatValue(request.target, objective) : QString();
    QString headline = !std::isfinite(request.target)
                           ? tr("As high as the objective goes: %n node(s) left in float:", nullptr,
                                static_cast<int>(suggestion.nodesToExclude.size()))
                       : suggestion.reachedTarget
                           ? tr("The target (%1) is reached with %n node(s) left in float:", nullptr,
                                static_cast<int>(suggestion.nodesToExclude.size())).arg(targetText)
                           : tr("The target (%1) was not reached in %2 steps; the best found:")
                                 .arg(targetText).arg(request.maxSteps);
    if (!suggestion.stopReason.empty())
        headline += QStringLiteral("\n") + tr("Stopped: %1").arg(QString::fromStdString(suggestion.stopReason));
    for (const auto& w : suggestion.warnings)
        headline += QStringLiteral("\n") + tr("Warning: %1").arg(QString::fromStdString(w));
    auto* summary = new QLabel(headline, this);
    summary->setWordWrap(true);
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

// The objective on the scoring images and, when there are any, on the validation images (left
// axis), and the latency (right axis), step by step, with the target.
void SuggestionDialog::plotCurve(const Suggestion& suggestion, const SuggestionRequest& request) {
    const Objective objective = suggestion.objective;
    // A model with every node left in float has infinite SQNR: it is drawn at the top of the rest.
    double highest = std::isfinite(request.target) ? request.target : 0.0;
    for (const auto& step : suggestion.curve) {
        if (std::isfinite(step.score.value(objective)))
            highest = std::max(highest, step.score.value(objective));
        if (step.validation && std::isfinite(step.validation->value(objective)))
            highest = std::max(highest, step.validation->value(objective));
    }
    const auto shown = [highest](double v) { return std::isfinite(v) ? v : highest; };
    QVector<double> x, scoring, validation, validationX, latency;
    for (size_t i = 0; i < suggestion.curve.size(); ++i) {
        const SuggestionStep& step = suggestion.curve[i];
        x << static_cast<double>(i);
        scoring << shown(step.score.value(objective));
        latency << step.latencyMs;
        if (step.validation) {
            validationX << static_cast<double>(i);
            validation << shown(step.validation->value(objective));
        }
    }
    plot_->setMinimumSize(560, 320);
    plot_->legend->setVisible(true);
    plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignRight);
    QCPGraph* quality = plot_->addGraph(plot_->xAxis, plot_->yAxis);
    quality->setName(tr("%1, scoring images").arg(QString::fromStdString(objectiveLabel(objective))));
    quality->setData(x, scoring);
    quality->setPen(QPen(QColor(0x1f, 0x77, 0xb4), 2));
    quality->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 6));
    QCPGraph* time = plot_->addGraph(plot_->xAxis, plot_->yAxis2);
    time->setName(tr("latency (ms)"));
    time->setData(x, latency);
    time->setPen(QPen(QColor(0xd6, 0x27, 0x28), 1.5, Qt::DashLine));
    time->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssSquare, 5));
    if (!validation.isEmpty()) {
        QCPGraph* check = plot_->addGraph(plot_->xAxis, plot_->yAxis);
        check->setName(tr("validation images"));
        check->setData(validationX, validation);
        check->setPen(QPen(QColor(0x2c, 0xa0, 0x2c), 2));
        check->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDiamond, 7));
    }
    if (std::isfinite(request.target)) {
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
    }
    QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
    ticker->setTickStep(1.0);
    plot_->xAxis->setTicker(ticker);
    plot_->xAxis->setLabel(tr("step"));
    plot_->yAxis->setLabel(QString::fromStdString(objectiveLabel(objective)));
    plot_->yAxis2->setLabel(time->name());
    plot_->yAxis2->setVisible(true);
    plot_->rescaleAxes();
    time->rescaleValueAxis();
    if (std::isfinite(request.target))
        plot_->yAxis->setRange(plot_->yAxis->range().expanded(request.target));
    plot_->xAxis->setRange(-0.5, std::max(1.0, static_cast<double>(suggestion.curve.size()) - 0.5));
    plot_->yAxis->scaleRange(1.2);
    plot_->yAxis2->setRange(0, plot_->yAxis2->range().upper * 1.2);
}

}  // namespace ql
