// What colours the graph's nodes: one of the activation comparison's per-tensor metrics, put on
// a scale where higher is better, worst of a node's tensors.
#pragma once

#include <QString>
#include <map>
#include <vector>

#include "GraphView.h"
#include "analysis/ActivationComparison.h"

namespace ql {

enum class HeatMetric { AccumulatedSqnr, RoundingSqnr, Cosine, Clipping, RangeUse };

const std::vector<HeatMetric>& allHeatMetrics();
QString heatMetricName(HeatMetric metric);  // for menus and the legend
HeatScale heatScale(HeatMetric metric);

// The value of each compared activation on the node computing it in `graph`, found under the
// tensor name that graph uses (FP32 or quantized).
std::map<int, NodeHeat> nodeHeat(const ActivationReport& report, const Graph& graph, bool fp32Names, HeatMetric metric);

}  // namespace ql
