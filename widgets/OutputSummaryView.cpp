#include "OutputSummaryView.h"

#include <QEvent>
#include <QPalette>

#include "analysis/ActivationComparison.h"
#include "report/InspectReport.h"

namespace ql {

namespace {

// The app's own words for an output part (partName() is the backend's English, for the CLI).
QString partLabel(OutputPartKind kind) {
    switch (kind) {
    case OutputPartKind::Boxes: return OutputSummaryView::tr("boxes");
    case OutputPartKind::Objectness: return OutputSummaryView::tr("objectness");
    case OutputPartKind::ClassScores: return OutputSummaryView::tr("class scores");
    case OutputPartKind::ClassIds: return OutputSummaryView::tr("class ids");
    }
    return {};
}

QString db(double value) { return QString::fromStdString(formatDb(value)); }

}  // namespace

OutputSummaryView::OutputSummaryView(QWidget* parent) : QLabel(parent) {
    setWordWrap(true);
    setTextFormat(Qt::RichText);
    setTextInteractionFlags(Qt::TextSelectableByMouse);
    setContentsMargins(6, 4, 6, 4);
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);
    hide();
}

void OutputSummaryView::showReport(const ActivationReport& report) {
    report_ = &report;
    render();
    setVisible(!report.outputs.empty());
}

void OutputSummaryView::setPreprocessingNote(const QString& note) {
    preprocessingNote_ = note;
    render();
}

void OutputSummaryView::clear() {
    report_ = nullptr;
    QLabel::clear();
    hide();
}

void OutputSummaryView::changeEvent(QEvent* event) {
    QLabel::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::LanguageChange)
        render();
}

void OutputSummaryView::render() {
    if (!report_)
        return;
    const ActivationReport& r = *report_;
    // Red that stays readable on the light and the dark palette.
    const bool dark = palette().color(QPalette::Window).lightness() < 128;
    const QString bad = dark ? QStringLiteral("#ff7b72") : QStringLiteral("#b00020");
    QString html;
    const auto lines = [&](const std::vector<std::string>& texts, const QString& label) {
        for (const auto& t : texts)
            html += QStringLiteral("<p style=\"color:%1\"><b>%2</b> %3</p>")
                        .arg(bad, label, QString::fromStdString(t).toHtmlEscaped());
    };
    lines(r.failures, tr("Failure:"));
    lines(r.warnings, tr("Warning:"));
    if (r.fidelity) {
        const DetectionFidelity& f = *r.fidelity;
        html += QStringLiteral("<p>") +
                tr("<b>Detections</b> (quantized against FP32): mAP@0.5 %1, mAP@.5:.95 %2; %3 of %4 boxes matched "
                   "(%5 moved), %6 missed, %7 extra")
                    .arg(f.map.map50, 0, 'f', 3)
                    .arg(f.map.map50to95, 0, 'f', 3)
                    .arg(f.matched)
                    .arg(f.fp32Boxes)
                    .arg(f.moved)
                    .arg(f.missed)
                    .arg(f.extra) +
                QStringLiteral("</p>");
    }
    html += QStringLiteral("<p><b>%1</b> ").arg(tr("Final outputs")) +
            tr("(ONNX Runtime optimisation %1, as deployed):").arg(QString::fromStdString(optimizationName(r.optimization)));
    for (const auto& o : r.outputs) {
        html += QStringLiteral("<br>%1: SQNR %2 dB").arg(QString::fromStdString(o.name).toHtmlEscaped(), db(o.metrics.sqnrDb));
        for (const auto& p : o.parts) {
            const bool poor = p.metrics.sqnrDb < 15.0;
            const QString value = QStringLiteral("%1 %2 dB").arg(partLabel(p.kind), db(p.metrics.sqnrDb));
            html += QStringLiteral(" &nbsp;·&nbsp; ") +
                    (poor ? QStringLiteral("<span style=\"color:%1\">%2</span>").arg(bad, value) : value);
        }
        if (o.instrumented)
            html += QStringLiteral(" &nbsp;(") + tr("per-layer run: %1 dB").arg(db(o.instrumented->sqnrDb)) + QStringLiteral(")");
    }
    html += QStringLiteral("</p>");
    if (!r.preprocessing.empty()) {
        QString line = tr("Images preprocessed as: %1").arg(QString::fromStdString(r.preprocessing).toHtmlEscaped());
        if (!preprocessingNote_.isEmpty())
            line += QStringLiteral(" (") + preprocessingNote_.toHtmlEscaped() + QStringLiteral(")");
        html += QStringLiteral("<p>") + line + QStringLiteral("</p>");
    }
    setText(html);
}

}  // namespace ql
