#include "BoxSections.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>

#include "detect/ClassNames.h"
#include "detect/DetectionMatcher.h"
#include "metrics/ErrorMetrics.h"

namespace ql {
namespace {

enum Column { Layer, Op, Map, Local, Whole, ColumnCount };

QString db(double v) { return QString::fromStdString(formatDb(v)); }

QString mapText(const TracedLayer& l) {
    QStringList dims;
    for (size_t i = 1; i < l.shape.size(); ++i)  // N is 1
        dims << QString::number(l.shape[i]);
    return QStringLiteral("%1 /%2").arg(dims.join(QChar(0x00d7))).arg(l.stride);
}

}  // namespace

DflBars::DflBars(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("dflBars"));
    setToolTip(tr("The distribution over the 16 bins of each side's distance (left, top, right, bottom): "
                  "FP32 outlined, INT8 filled"));
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

QSize DflBars::sizeHint() const { return {240, dfl_ ? 4 * (fontMetrics().height() + 12) : 0}; }

void DflBars::setDistributions(const std::optional<DflDistributions>& d) {
    dfl_ = d;
    setFixedHeight(sizeHint().height());
    setVisible(dfl_.has_value());
    update();
}

void DflBars::paintEvent(QPaintEvent*) {
    if (!dfl_)
        return;
    QPainter p(this);
    const QColor fp32 = palette().color(QPalette::WindowText);
    QColor int8 = palette().color(QPalette::Highlight);
    const QStringList sides{tr("left"), tr("top"), tr("right"), tr("bottom")};
    const int rowHeight = height() / 4;
    const int labelWidth = fontMetrics().horizontalAdvance(QStringLiteral("bottom ")) + 4;
    for (int s = 0; s < 4 && s < static_cast<int>(dfl_->fp32.size()) && s < static_cast<int>(dfl_->quantized.size()); ++s) {
        const auto& f = dfl_->fp32[static_cast<size_t>(s)];
        const auto& q = dfl_->quantized[static_cast<size_t>(s)];
        const QRect row(0, s * rowHeight, width(), rowHeight);
        p.setPen(fp32);
        p.drawText(QRect(row.left(), row.top(), labelWidth, row.height()), Qt::AlignLeft | Qt::AlignVCenter, sides[s]);
        const QRect plot = row.adjusted(labelWidth, 3, -2, -3);
        const size_t bins = std::max(f.size(), q.size());
        if (bins == 0)
            continue;
        float top = 0.0f;
        for (const float v : f)
            top = std::max(top, v);
        for (const float v : q)
            top = std::max(top, v);
        if (top <= 0.0f)
            top = 1.0f;
        const double w = static_cast<double>(plot.width()) / static_cast<double>(bins);
        p.setPen(QPen(fp32.lighter(150), 1));
        p.drawLine(plot.bottomLeft(), plot.bottomRight());
        for (size_t b = 0; b < bins; ++b) {
            const double x = plot.left() + w * static_cast<double>(b);
            if (b < q.size()) {
                const double h = plot.height() * q[b] / top;
                p.fillRect(QRectF(x + 1, plot.bottom() - h, w - 2, h), int8);
            }
            if (b < f.size()) {
                const double h = plot.height() * f[b] / top;
                p.setPen(QPen(fp32, 1.5));
                p.setBrush(Qt::NoBrush);
                p.drawRect(QRectF(x + 1, plot.bottom() - h, w - 2, h));
            }
        }
    }
}

BoxTraceView::BoxTraceView(QWidget* parent)
    : QWidget(parent), title_(new QLabel(this)), status_(new QLabel(this)), table_(new QTableWidget(this)),
      dflTitle_(new QLabel(this)), dfl_(new DflBars(this)) {
    setObjectName(QStringLiteral("boxTrace"));
    title_->setText(tr("<b>Where it was lost</b>"));
    title_->setToolTip(tr("Each layer the box's cell depends on: the error of the quantized model inside the window "
                          "around the cell (local) and over the whole map. The marked layer is where the local error "
                          "jumps most against its inputs."));
    status_->setWordWrap(true);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    status_->setObjectName(QStringLiteral("traceStatus"));
    table_->setObjectName(QStringLiteral("traceTable"));
    table_->setColumnCount(ColumnCount);
    table_->setHorizontalHeaderLabels({tr("Layer"), tr("Op"), tr("Map"), tr("Local SQNR"), tr("Whole SQNR")});
    table_->horizontalHeaderItem(Map)->setToolTip(tr("Channels \u00d7 height \u00d7 width / stride (input pixels per cell)"));
    table_->horizontalHeaderItem(Local)->setToolTip(tr("SQNR inside the window around the box's cell, all channels (dB)"));
    table_->horizontalHeaderItem(Whole)->setToolTip(tr("SQNR over the whole map (dB)"));
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->verticalHeader()->hide();
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setSectionResizeMode(Layer, QHeaderView::Stretch);
    table_->setMinimumHeight(240);
    table_->setWordWrap(false);
    table_->setTextElideMode(Qt::ElideLeft);  // the end of a long node name says the most
    connect(table_, &QTableWidget::cellDoubleClicked, this, [this](int row, int) {
        if (row >= 0 && row < static_cast<int>(trace_.layers.size()) && trace_.layers[static_cast<size_t>(row)].order >= 0)
            emit layerActivated(QString::fromStdString(trace_.layers[static_cast<size_t>(row)].node));
    });
    dflTitle_->setWordWrap(true);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 6, 0, 0);
    layout->addWidget(title_);
    layout->addWidget(status_);
    layout->addWidget(table_);
    layout->addWidget(dflTitle_);
    layout->addWidget(dfl_);
    clear();
}

void BoxTraceView::clear() {
    trace_ = {};
    table_->setRowCount(0);
    table_->hide();
    status_->clear();
    status_->setToolTip(QString());
    dflTitle_->hide();
    dfl_->setDistributions(std::nullopt);
}

void BoxTraceView::showPending() {
    clear();
    status_->setText(tr("Tracing the layers the box depends on..."));
}

void BoxTraceView::showProblem(const QString& why) {
    clear();
    status_->setText(tr("No trace: %1").arg(why));
}

int BoxTraceView::markedRow() const { return trace_.jumpLayer; }

void BoxTraceView::showTrace(const BoxTrace& trace, const std::optional<DflDistributions>& dfl, const QString& dflProblem) {
    clear();
    trace_ = trace;
    table_->setRowCount(static_cast<int>(trace.layers.size()));
    for (size_t i = 0; i < trace.layers.size(); ++i) {
        const TracedLayer& l = trace.layers[i];
        const int r = static_cast<int>(i);
        const QString name = QString::fromStdString(l.node);
        const QString texts[ColumnCount] = {l.jump ? QStringLiteral("\u25b6 ") + name : name, QString::fromStdString(l.op),
                                            mapText(l), db(l.local.sqnrDb), db(l.whole.sqnrDb)};
        for (int c = 0; c < ColumnCount; ++c) {
            auto* item = new QTableWidgetItem(texts[c]);
            if (c >= Local)
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            if (c == Layer)
                item->setToolTip(QStringLiteral("%1\n%2").arg(name, QString::fromStdString(l.fp32Tensor)));
            if (l.jump) {
                QFont bold = item->font();
                bold.setBold(true);
                item->setFont(bold);
                if (c == Layer && l.drop)
                    item->setToolTip(tr("%1\nThe local error jumps here: %2 dB lower than its worst input")
                                         .arg(name).arg(*l.drop, 0, 'f', 1));
            }
            table_->setItem(r, c, item);
        }
    }
    table_->show();
    QString status;
    if (trace.jumpLayer >= 0) {
        const TracedLayer& j = trace.layers[static_cast<size_t>(trace.jumpLayer)];
        status = tr("Lost at <b>%1</b> (%2): local SQNR %3 dB against %4 dB whole.")
                     .arg(QString::fromStdString(j.node).toHtmlEscaped(), QString::fromStdString(j.op), db(j.local.sqnrDb),
                          db(j.whole.sqnrDb));
        table_->selectRow(trace.jumpLayer);
        table_->scrollToItem(table_->item(trace.jumpLayer, 0), QAbstractItemView::PositionAtCenter);
    } else {
        status = tr("No layer loses SQNR around this cell.");
    }
    status += QStringLiteral(" ") + tr("%n layer(s) traced, window %1 head cells either side; double-click a row to show it in "
                                       "the graph.", nullptr, static_cast<int>(trace.layers.size())).arg(trace.headHalfCells);
    QStringList skipped;
    for (const auto& s : trace.skipped)
        skipped << QString::fromStdString(s);
    if (!skipped.isEmpty())  // long lines: in the tooltip, not in a narrow panel
        status += QStringLiteral(" ") + tr("Some tensors were left out (hover for why).");
    status_->setText(status);
    status_->setToolTip(skipped.join(QLatin1Char('\n')));
    if (dfl) {
        dflTitle_->setText(tr("<b>Box sides (DFL)</b>: FP32 outlined, INT8 filled"));
        dflTitle_->show();
    } else if (!dflProblem.isEmpty()) {
        dflTitle_->setText(tr("No DFL distributions: %1").arg(dflProblem.toHtmlEscaped()));
        dflTitle_->show();
    }
    dfl_->setDistributions(dfl);
}

BoxFixView::BoxFixView(QWidget* parent)
    : QWidget(parent), suggest_(new QPushButton(tr("Suggest Exclusions for This Box"), this)),
      suggestAll_(new QPushButton(tr("For All Missed Boxes of This Image"), this)), progress_(new QProgressBar(this)),
      cancel_(new QPushButton(tr("Cancel"), this)), result_(new QLabel(this)), apply_(new QPushButton(tr("Apply as a New Run"), this)) {
    setObjectName(QStringLiteral("boxFix"));
    suggest_->setObjectName(QStringLiteral("suggestForBox"));
    suggestAll_->setObjectName(QStringLiteral("suggestForMissed"));
    apply_->setObjectName(QStringLiteral("applyBoxFix"));
    result_->setObjectName(QStringLiteral("boxFixResult"));
    suggest_->setToolTip(tr("Re-quantize the FP32 model with the quantized model's settings, leaving float the fewest "
                            "nodes that bring this box back (calibrated on the calibration set)"));
    suggestAll_->setToolTip(tr("The same for every box INT8 missed on this image"));
    apply_->setToolTip(tr("Exclude the suggested nodes and re-quantize: a new run (undo restores the exclusions)"));
    result_->setWordWrap(true);
    result_->setTextFormat(Qt::RichText);
    result_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    connect(suggest_, &QPushButton::clicked, this, [this] { emit suggestRequested(false); });
    connect(suggestAll_, &QPushButton::clicked, this, [this] { emit suggestRequested(true); });
    connect(cancel_, &QPushButton::clicked, this, &BoxFixView::cancelRequested);
    connect(apply_, &QPushButton::clicked, this, &BoxFixView::applyRequested);
    auto* title = new QLabel(tr("<b>Fix this box</b>"), this);
    auto* buttons = new QVBoxLayout;
    buttons->addWidget(suggest_);
    buttons->addWidget(suggestAll_);
    auto* running = new QHBoxLayout;
    running->addWidget(progress_, 1);
    running->addWidget(cancel_);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 6, 0, 0);
    layout->addWidget(title);
    layout->addLayout(buttons);
    layout->addLayout(running);
    layout->addWidget(result_);
    layout->addWidget(apply_, 0, Qt::AlignLeft);
    clear();
}

void BoxFixView::clear() {
    progress_->hide();
    cancel_->hide();
    result_->clear();
    result_->hide();
    apply_->hide();
    suggest_->setEnabled(true);
    suggestAll_->setEnabled(true);
}

void BoxFixView::setAvailable(bool thisBox, bool allMissed, const QString& why) {
    suggest_->setEnabled(thisBox);
    suggestAll_->setEnabled(allMissed);
    suggest_->setToolTip(why.isEmpty() ? suggest_->toolTip() : why);
}

void BoxFixView::showRunning(const QString& what) {
    clear();
    suggest_->setEnabled(false);
    suggestAll_->setEnabled(false);
    progress_->setRange(0, 0);
    progress_->setFormat(what);
    progress_->setTextVisible(true);
    progress_->show();
    cancel_->show();
}

void BoxFixView::setProgress(int done, int total, const QString& what) {
    if (!progress_->isVisible())
        return;
    progress_->setRange(0, std::max(total, 0));
    progress_->setValue(done);
    progress_->setFormat(what.isEmpty() ? QStringLiteral("%v / %m") : what + QStringLiteral(" %v / %m"));
}

void BoxFixView::showResult(const QString& html, bool canApply) {
    clear();
    result_->setText(html);
    result_->show();
    apply_->setVisible(canApply);
}

void BoxFixView::showProblem(const QString& why) {
    clear();
    result_->setText(why.toHtmlEscaped());
    result_->show();
}

QString BoxFixView::resultText() const { return result_->text(); }

bool BoxFixView::foundAgain(const RecoveredBox& r, float confidence) { return r.score >= confidence && r.iou >= kMovedBelowIou; }

QString BoxFixView::describe(const BoxFix& fix, const std::vector<Detection>& targets, const std::vector<std::string>& names,
                             float confidence) {
    const SuggestionStep& before = fix.before();
    const SuggestionStep& after = fix.after();
    QStringList lines;
    for (size_t k = 0; k < before.score.boxes.size() && k < after.score.boxes.size(); ++k) {
        const RecoveredBox& b = before.score.boxes[k];
        const RecoveredBox& a = after.score.boxes[k];
        QString broughtBackBy;
        bool wasFound = foundAgain(b, confidence);
        for (size_t s = 1; s < fix.suggestion.curve.size() && !wasFound; ++s) {
            const SuggestionStep& step = fix.suggestion.curve[s];
            if (!step.kept || step.kind != SuggestionStep::Kind::Added || k >= step.score.boxes.size())
                continue;
            if (foundAgain(step.score.boxes[k], confidence)) {
                broughtBackBy = QString::fromStdString(step.group);
                wasFound = true;
            }
        }
        const Detection* t = b.target < targets.size() ? &targets[b.target] : nullptr;
        const QString box = t ? tr("%1 %2").arg(QString::fromStdString(className(names, t->classId)).toHtmlEscaped())
                                    .arg(t->score, 0, 'f', 2)
                              : tr("box %1").arg(k);
        QString outcome;
        if (foundAgain(b, confidence))
            outcome = tr("already found by the model re-made with its settings");
        else if (foundAgain(a, confidence))
            outcome = tr("brought back by leaving <b>%1</b> float").arg(broughtBackBy.toHtmlEscaped());
        else
            outcome = tr("not brought back");
        lines << tr("%1: %2; INT8 score %3 → %4, IoU %5 → %6")
                     .arg(box, outcome)
                     .arg(b.score, 0, 'f', 2).arg(a.score, 0, 'f', 2).arg(b.iou, 0, 'f', 2).arg(a.iou, 0, 'f', 2);
    }
    QStringList added;
    for (const auto& n : fix.added)
        added << QString::fromStdString(n).toHtmlEscaped();
    QString text = lines.join(QStringLiteral("<br>"));
    if (added.isEmpty())
        text += QStringLiteral("<br>") + tr("No node to add to the list.");
    else
        text += QStringLiteral("<br>") + tr("Leave float: %1").arg(added.join(QStringLiteral(", ")));
    const double latencyCost = after.latency.medianMs - before.latency.medianMs;
    text += QStringLiteral("<br>") + tr("Cost: %1 ms median latency (%2 \u2192 %3 ms), %4 KiB")
                                         .arg((latencyCost >= 0 ? QStringLiteral("+") : QString()) + QString::number(latencyCost, 'f', 2))
                                         .arg(before.latency.medianMs, 0, 'f', 2).arg(after.latency.medianMs, 0, 'f', 2)
                                         .arg((static_cast<double>(after.modelBytes) - static_cast<double>(before.modelBytes)) / 1024.0, 0, 'f', 0);
    for (const auto& w : fix.suggestion.warnings)
        text += QStringLiteral("<br><i>") + QString::fromStdString(w).toHtmlEscaped() + QStringLiteral("</i>");
    return text;
}

}  // namespace ql
