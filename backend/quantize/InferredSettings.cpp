#include "quantize/InferredSettings.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

namespace ql {
namespace {

std::optional<QuantType> typeOf(int elementType) {
    if (elementType == onnx::TensorProto::INT8)
        return QuantType::QInt8;
    if (elementType == onnx::TensorProto::UINT8)
        return QuantType::QUInt8;
    if (elementType == onnx::TensorProto::INT16)
        return QuantType::QInt16;
    if (elementType == onnx::TensorProto::UINT16)
        return QuantType::QUInt16;
    return std::nullopt;
}

// Zero points at the middle of the type's range: 0 for int8/int16, 128 for uint8, 32768 for uint16.
bool symmetric(const QuantParams& p) {
    const int64_t middle = p.elementType == onnx::TensorProto::UINT8 ? 128 : p.elementType == onnx::TensorProto::UINT16 ? 32768 : 0;
    return std::all_of(p.zeroPoints.begin(), p.zeroPoints.end(), [&](int64_t z) { return z == middle; });
}

// The type most tensors of `kind` have; notes a mix.
std::optional<QuantType> commonType(const QdqStructure& qdq, QuantizedKind kind, std::vector<std::string>& notes) {
    std::map<QuantType, int> counts;
    for (const auto& t : qdq.tensors)
        if (t.kind == kind)
            if (auto type = typeOf(t.params.elementType))
                ++counts[*type];
    if (counts.empty())
        return std::nullopt;
    const auto most = std::max_element(counts.begin(), counts.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
    if (counts.size() > 1)
        notes.push_back("the " + kindName(kind) + "s mix types; " + quantTypeName(most->first) +
                        " (most of them) is taken");
    return most->first;
}

}  // namespace

Result<InferredSettings> inferSettings(const Graph& g, const QdqStructure& qdq) {
    if (qdq.format != QuantFormat::QDQ)
        return Error{"settings can be read back from a QDQ model only; this one is " + formatName(qdq.format)};
    InferredSettings r;
    QuantizerSettings& s = r.settings;
    if (auto t = commonType(qdq, QuantizedKind::Activation, r.notes))
        s.activationType = *t;
    else
        r.notes.push_back("no activation is quantized; the activation type is QuantLens' default");
    if (auto t = commonType(qdq, QuantizedKind::Weight, r.notes))
        s.weightType = *t;
    else
        r.notes.push_back("no weight is quantized; the weight type is QuantLens' default");
    bool anyWeight = false, allWeightsSymmetric = true, anyActivation = false, allActivationsSymmetric = true;
    for (const auto& t : qdq.tensors) {
        if (t.kind == QuantizedKind::Weight) {
            anyWeight = true;
            s.perChannel = s.perChannel || t.params.perChannel();
            allWeightsSymmetric = allWeightsSymmetric && symmetric(t.params);
        } else if (t.kind == QuantizedKind::Activation) {
            anyActivation = true;
            allActivationsSymmetric = allActivationsSymmetric && symmetric(t.params);
        }
    }
    if (anyWeight)
        s.weightSymmetric = allWeightsSymmetric;
    s.activationSymmetric = anyActivation && allActivationsSymmetric;
    s.quantizeBias = qdq.countOf(QuantizedKind::Bias) > 0;
    std::set<std::string> opTypes;
    for (const int node : qdq.quantizedNodes)
        opTypes.insert(g.node(node).opType);
    s.opTypesToQuantize.assign(opTypes.begin(), opTypes.end());
    s.nodesToExclude = nodesLeftFloat(g, qdq, s.opTypesToQuantize);
    r.notes.push_back("reduce_range and the calibration method cannot be told from the model");
    return r;
}

}  // namespace ql
