#include "HeatMetric.h"

#include <QCoreApplication>
#include <algorithm>
#include <cmath>

namespace ql {
namespace {

// The metrics' names and descriptions, in their own translation context.
struct HeatMetricText {
    Q_DECLARE_TR_FUNCTIONS(ql::HeatMetricText)
};

// Cosine similarity crowds against 1, so it is scaled by its nines: 0.99 -> 2, 0.999 -> 3.
double nines(double cosine) { return -std::log10(std::max(1.0 - cosine, 1e-12)); }

struct Scored {
    double value;
    QString text;
};

Scored score(const ActivationError& l, HeatMetric metric) {
    switch (metric) {
    case HeatMetric::AccumulatedSqnr:
        return {l.accumulated.sqnrDb, HeatMetricText::tr("SQNR %1 dB").arg(l.accumulated.sqnrDb, 0, 'f', 2)};
    case HeatMetric::RoundingSqnr:
        return {l.rounding.sqnrDb, HeatMetricText::tr("own rounding SQNR %1 dB").arg(l.rounding.sqnrDb, 0, 'f', 2)};
    case HeatMetric::Cosine:
        return {nines(l.accumulated.cosine), HeatMetricText::tr("cosine %1").arg(l.accumulated.cosine, 0, 'f', 5)};
    case HeatMetric::Clipping:
        return {-100.0 * l.clippedFraction, HeatMetricText::tr("clipped %1%").arg(100.0 * l.clippedFraction, 0, 'g', 3)};
    case HeatMetric::RangeUse:
        return {100.0 * l.rangeUsed, HeatMetricText::tr("uses %1% of the integer range").arg(100.0 * l.rangeUsed, 0, 'f', 1)};
    }
    return {0.0, QString()};
}

}  // namespace

const std::vector<HeatMetric>& allHeatMetrics() {
    static const std::vector<HeatMetric> all = {HeatMetric::AccumulatedSqnr, HeatMetric::RoundingSqnr, HeatMetric::Cosine,
                                                HeatMetric::Clipping, HeatMetric::RangeUse};
    return all;
}

QString heatMetricName(HeatMetric metric) {
    switch (metric) {
    case HeatMetric::AccumulatedSqnr: return HeatMetricText::tr("Accumulated SQNR");
    case HeatMetric::RoundingSqnr: return HeatMetricText::tr("Own rounding SQNR");
    case HeatMetric::Cosine: return HeatMetricText::tr("Cosine similarity");
    case HeatMetric::Clipping: return HeatMetricText::tr("Clipped values");
    case HeatMetric::RangeUse: return HeatMetricText::tr("Integer range used");
    }
    return {};
}

HeatScale heatScale(HeatMetric metric) {
    const QString name = heatMetricName(metric);
    const auto label = [](const char* text) { return QString::fromUtf8(text); };  // numbers and units read the same in every language
    // Values back in the metric's own unit: dB for SQNR, the cosine itself (from its nines), the
    // percentage clipped (the scale holds it negated) or of the range used.
    const auto db = [](double v) { return std::isinf(v) ? QStringLiteral("\u221e dB") : QStringLiteral("%1 dB").arg(v, 0, 'f', 1); };
    const auto cosine = [](double v) { return QString::number(1.0 - std::pow(10.0, -v), 'f', 4); };
    const auto clipped = [](double v) { return QStringLiteral("%1%").arg(-v, 0, 'g', 3); };
    const auto percent = [](double v) { return QStringLiteral("%1%").arg(v, 0, 'f', 0); };
    switch (metric) {
    case HeatMetric::AccumulatedSqnr: return {name, 10.0, 40.0, label("<10 dB"), label("25 dB"), label(">40 dB"), db};
    case HeatMetric::RoundingSqnr: return {name, 20.0, 45.0, label("<20 dB"), label("32 dB"), label(">45 dB"), db};
    case HeatMetric::Cosine: return {name, 1.0, 4.0, label("<0.9"), label("0.997"), label(">0.9999"), cosine};
    case HeatMetric::Clipping: return {name, -1.0, 0.0, label(">1%"), label("0.5%"), HeatMetricText::tr("none"), clipped};
    case HeatMetric::RangeUse: return {name, 25.0, 90.0, label("<25%"), label("58%"), label(">90%"), percent};
    }
    return {};
}

std::map<int, NodeHeat> nodeHeat(const ActivationReport& report, const Graph& graph, bool fp32Names, HeatMetric metric) {
    std::map<int, NodeHeat> heat;
    for (const auto& l : report.layers) {
        if (!l.problem.empty())
            continue;
        const int node = graph.producer(fp32Names ? l.fp32Name : l.name);
        if (node < 0)
            continue;
        const Scored s = score(l, metric);
        auto [it, fresh] = heat.emplace(node, NodeHeat{s.value, s.text});
        if (!fresh && s.value < it->second.value)  // a node with several outputs shows its worst
            it->second = {s.value, s.text};
    }
    return heat;
}

}  // namespace ql
