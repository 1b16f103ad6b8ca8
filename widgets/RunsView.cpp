#include "RunsView.h"

#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTextBrowser>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <map>
#include <qcustomplot.h>

#include "PlotStyle.h"

#include "metrics/ErrorMetrics.h"

namespace ql {
namespace {

constexpr RunsModel::Column kPlotted[] = {RunsModel::Output, RunsModel::Boxes, RunsModel::Scores, RunsModel::Fidelity50,
                                          RunsModel::Fidelity5095, RunsModel::Map5095, RunsModel::Latency,
                                          RunsModel::Size, RunsModel::Excluded};

QString number(double v, RunsModel::Column c) {
    if (std::isnan(v))
        return QStringLiteral("-");
    switch (c) {
    case RunsModel::Fidelity50: case RunsModel::Fidelity5095: case RunsModel::Map5095: return QString::number(v, 'f', 3);
    case RunsModel::Excluded: case RunsModel::Number: return QString::number(v, 'f', 0);
    default: return QString::number(v, 'f', 2);
    }
}

}  // namespace

RunsView::RunsView(QWidget* parent)
    : QWidget(parent), model_(new RunsModel(this)), table_(new QTableView(this)), metric_(new QComboBox(this)),
      plot_(new QCustomPlot(this)), comparison_(new QTextBrowser(this)), show_(new QPushButton(tr("Show"), this)),
      export_(new QPushButton(tr("Export CSV..."), this)), hint_(new QLabel(this)), side_(new QTabWidget(this)) {
    table_->setModel(model_);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    table_->verticalHeader()->hide();
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->setWordWrap(false);
    for (RunsModel::Column c : kPlotted)
        metric_->addItem(RunsModel::columnTitle(c), static_cast<int>(c));
    show_->setToolTip(tr("Show the selected run's model in every view"));
    hint_->setWordWrap(true);
    hint_->setText(driftNote());
    comparison_->setOpenLinks(false);
    plot_->setMinimumHeight(100);
    table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 6);
    plot_->xAxis->setLabel(tr("Run"));

    // The table on the left, the plot and the two-run comparison as tabs on the right: the dock
    // is wide and short, so both stay readable at 1366x768.
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(show_);
    buttons->addWidget(export_);
    buttons->addWidget(hint_, 1);
    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addLayout(buttons);
    leftLayout->addWidget(table_, 1);
    auto* plotPage = new QWidget(this);
    auto* plotLayout = new QVBoxLayout(plotPage);
    plotLayout->setContentsMargins(0, 0, 0, 0);
    plotLayout->addWidget(metric_);
    plotLayout->addWidget(plot_, 1);
    side_->addTab(plotPage, tr("Plot"));
    side_->addTab(comparison_, tr("Compare"));
    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(left);
    split->addWidget(side_);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addWidget(split);

    connect(show_, &QPushButton::clicked, this, [this] {
        const auto runs = selectedRuns();
        if (!runs.isEmpty())
            emit showRunRequested(runs.back());
    });
    connect(table_, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
        if (const Run* run = model_->runAt(index.row()); run && model_->hasModel(run->number))
            emit showRunRequested(run->number);
    });
    connect(export_, &QPushButton::clicked, this, &RunsView::exportCsvRequested);
    connect(metric_, &QComboBox::currentIndexChanged, this, &RunsView::updatePlot);
    connect(table_->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        updateComparison();
        updateButtons();
    });
    stylePlot(plot_, palette());
    updateButtons();
    updateComparison();
}

void RunsView::setRuns(std::vector<Run> runs, int current, QSet<int> withModel,
                       std::function<std::shared_ptr<const ActivationReport>(int)> reportOf) {
    const QList<int> selected = selectedRuns();
    reportOf_ = std::move(reportOf);
    model_->setRuns(std::move(runs), current, std::move(withModel));
    table_->resizeColumnsToContents();
    selectRuns(selected);
    hint_->setText(reference_.isEmpty() ? driftNote() : driftNote() + QLatin1Char(' ') + reference_);
    updatePlot();
    updateComparison();
    updateButtons();
}

void RunsView::selectRuns(const QList<int>& numbers) {
    QItemSelection selection;
    for (int row = 0; row < model_->rowCount(); ++row)
        if (numbers.contains(model_->runAt(row)->number))
            selection.select(model_->index(row, 0), model_->index(row, RunsModel::ColumnCount - 1));
    table_->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
}

QList<int> RunsView::selectedRuns() const {
    QList<int> numbers;
    QModelIndexList rows = table_->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end(), [](const QModelIndex& a, const QModelIndex& b) { return a.row() < b.row(); });
    for (const QModelIndex& index : rows)
        if (const Run* run = model_->runAt(index.row()))
            numbers << run->number;
    return numbers;
}

void RunsView::setPlotMetric(RunsModel::Column column) {
    metric_->setCurrentIndex(metric_->findData(static_cast<int>(column)));
}

void RunsView::updateButtons() {
    const QList<int> runs = selectedRuns();
    show_->setEnabled(runs.size() == 1 && model_->hasModel(runs.front()) && runs.front() != model_->current());
    export_->setEnabled(model_->rowCount() > 0);
}

void RunsView::updatePlot() {
    plot_->clearPlottables();
    const auto column = static_cast<RunsModel::Column>(metric_->currentData().toInt());
    QVector<double> x, y, spread;
    for (const Run& run : model_->runs()) {
        const double v = RunsModel::value(run, column);
        if (std::isnan(v))
            continue;
        x << run.number;
        y << v;
        spread << (column == RunsModel::Latency && run.metrics.latency ? latencySpreadMs(*run.metrics.latency) : 0.0);
    }
    const QPalette pal = palette();
    QCPGraph* graph = plot_->addGraph();
    graph->setData(x, y, true);
    graph->setPen(QPen(pal.highlight().color(), 2));
    graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, pal.highlight().color(), 7));
    if (column == RunsModel::Latency) {
        auto* bars = new QCPErrorBars(plot_->xAxis, plot_->yAxis);
        bars->setDataPlottable(graph);
        bars->setData(spread);
        bars->setPen(QPen(pal.text().color()));
    }
    plot_->yAxis->setLabel(RunsModel::columnTitle(column));
    QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
    ticker->setTickStep(1.0);
    plot_->xAxis->setTicker(ticker);
    plot_->rescaleAxes();
    // Run numbers only, half a run either side: one run alone is not centred on a range around 0.
    if (!x.isEmpty())
        plot_->xAxis->setRange(x.front() - 0.5, x.back() + 0.5);
    plot_->xAxis->grid()->setZeroLinePen(Qt::NoPen);  // run 0 does not exist
    const QCPRange yr = plot_->yAxis->range();
    const double pad = std::max(0.05 * (yr.upper - yr.lower), column == RunsModel::Latency ? 1.0 : 0.01);
    double lower = yr.lower - pad, upper = yr.upper + pad;
    for (int i = 0; i < spread.size(); ++i) {
        lower = std::min(lower, y[i] - spread[i] - pad);
        upper = std::max(upper, y[i] + spread[i] + pad);
    }
    plot_->yAxis->setRange(lower, upper);
    plot_->replot();
}

void RunsView::updateComparison() {
    const QList<int> numbers = selectedRuns();
    side_->setCurrentWidget(numbers.size() == 2 ? static_cast<QWidget*>(comparison_) : side_->widget(0));
    if (numbers.size() != 2) {
        comparison_->setPlainText(model_->rowCount() < 2 ? tr("Each re-quantize adds a run. Select two runs to compare them.")
                                                         : tr("Select two runs (Ctrl+click) to compare them."));
        return;
    }
    const Run* a = nullptr;
    const Run* b = nullptr;
    for (const Run& r : model_->runs()) {
        if (r.number == numbers[0])
            a = &r;
        if (r.number == numbers[1])
            b = &r;
    }
    if (!a || !b)
        return;
    QString html = QStringLiteral("<b>%1</b><table cellspacing=0 cellpadding=2><tr><th></th><th>%2</th><th>%3</th><th>%4</th></tr>")
                       .arg(tr("Run %1 against run %2").arg(b->number).arg(a->number).toHtmlEscaped())
                       .arg(a->number).arg(b->number).arg(tr("change"));
    for (RunsModel::Column c : kPlotted) {
        const double va = RunsModel::value(*a, c), vb = RunsModel::value(*b, c);
        if (std::isnan(va) && std::isnan(vb))
            continue;
        const QString delta = std::isnan(va) || std::isnan(vb) ? QStringLiteral("-")
                                                               : (vb - va >= 0 ? QStringLiteral("+") : QString()) + number(vb - va, c);
        html += QStringLiteral("<tr><td>%1</td><td align=right>%2</td><td align=right>%3</td><td align=right>%4</td></tr>")
                    .arg(RunsModel::columnTitle(c).toHtmlEscaped(), number(va, c), number(vb, c), delta);
    }
    html += QStringLiteral("</table>");
    const ExclusionDiff d = diffExclusions(a->exclusions, b->exclusions);
    if (d.empty()) {
        html += QStringLiteral("<p>%1</p>").arg(tr("Same exclusions."));
    } else {
        html += QStringLiteral("<p>%1<br>").arg(tr("Exclusions of run %1 that run %2 does not have, and the reverse:").arg(b->number).arg(a->number));
        for (const auto& n : d.added)
            html += QStringLiteral("+ %1<br>").arg(QString::fromStdString(n).toHtmlEscaped());
        for (const auto& n : d.removed)
            html += QStringLiteral("\u2212 %1<br>").arg(QString::fromStdString(n).toHtmlEscaped());
        html += QStringLiteral("</p>");
    }
    // The layers whose accumulated error changed most between the two models.
    const auto ra = reportOf_ ? reportOf_(a->number) : nullptr;
    const auto rb = reportOf_ ? reportOf_(b->number) : nullptr;
    if (ra && rb) {
        std::map<std::string, double> before;
        for (const auto& l : ra->layers)
            before[l.fp32Name] = l.accumulated.sqnrDb;
        std::vector<std::pair<double, const ActivationError*>> changes;
        for (const auto& l : rb->layers)
            if (auto it = before.find(l.fp32Name); it != before.end() && std::isfinite(it->second) && std::isfinite(l.accumulated.sqnrDb))
                changes.push_back({l.accumulated.sqnrDb - it->second, &l});
        std::sort(changes.begin(), changes.end(), [](const auto& x, const auto& y) { return std::abs(x.first) > std::abs(y.first); });
        if (!changes.empty()) {
            html += QStringLiteral("<p>%1</p><table cellspacing=0 cellpadding=2>").arg(tr("Layers whose SQNR changed most:"));
            for (size_t i = 0; i < changes.size() && i < 8; ++i)
                html += QStringLiteral("<tr><td>%1</td><td align=right>%2 → %3 dB</td><td align=right>%4%5</td></tr>")
                            .arg(QString::fromStdString(changes[i].second->fp32Name).toHtmlEscaped())
                            .arg(before[changes[i].second->fp32Name], 0, 'f', 2)
                            .arg(changes[i].second->accumulated.sqnrDb, 0, 'f', 2)
                            .arg(changes[i].first >= 0 ? QStringLiteral("+") : QString())
                            .arg(changes[i].first, 0, 'f', 2);
            html += QStringLiteral("</table>");
        }
    }
    comparison_->setHtml(html);
}

void RunsView::setReference(const QString& text) {
    reference_ = text;
    hint_->setText(reference_.isEmpty() ? driftNote() : driftNote() + QLatin1Char(' ') + reference_);
}

QString RunsView::driftNote() const {
    const auto& runs = model_->runs();
    auto loaded = std::find_if(runs.begin(), runs.end(), [](const Run& r) { return r.origin == RunOrigin::Loaded; });
    auto baseline = std::find_if(runs.begin(), runs.end(), [](const Run& r) { return r.origin == RunOrigin::Baseline; });
    if (loaded == runs.end() || baseline == runs.end())
        return tr("Select two runs to compare them; double-click a run to show it in every view.");
    const double a = RunsModel::value(*loaded, RunsModel::Output), b = RunsModel::value(*baseline, RunsModel::Output);
    if (std::isnan(a) || std::isnan(b))
        return tr("Measuring the baseline (the loaded model's settings made here, with no exclusions)...");
    return tr("Baseline (run %1, no exclusions) against the loaded model (run %2): output %3 dB against %4 dB (%5 dB) "
              "from the calibration and settings alone, before any exclusion.")
        .arg(baseline->number).arg(loaded->number)
        .arg(b, 0, 'f', 2).arg(a, 0, 'f', 2)
        .arg((b - a >= 0 ? QStringLiteral("+") : QString()) + QString::number(b - a, 'f', 2));
}

QString RunsView::comparisonText() const { return comparison_->toPlainText(); }

void RunsView::changeEvent(QEvent* event) {
    if (event->type() == QEvent::PaletteChange) {
        stylePlot(plot_, palette());
        updatePlot();
    }
    QWidget::changeEvent(event);
}

}  // namespace ql
