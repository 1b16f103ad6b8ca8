#include "model/TensorData.h"

#include <cstring>
#include <limits>
#include <sstream>

#include "util/Result.h"

namespace ql {
namespace {

using TP = onnx::TensorProto;

float halfToFloat(uint16_t h) {
    const uint32_t sign = (h & 0x8000u) << 16;
    const uint32_t exponent = (h >> 10) & 0x1f;
    uint32_t mantissa = h & 0x3ff;
    uint32_t bits;
    if (exponent == 0) {
        if (mantissa == 0) {
            bits = sign;
        } else {  // subnormal: renormalise
            int e = -1;
            do {
                ++e;
                mantissa <<= 1;
            } while ((mantissa & 0x400) == 0);
            bits = sign | ((127 - 15 - e) << 23) | ((mantissa & 0x3ff) << 13);
        }
    } else if (exponent == 31) {
        bits = sign | 0x7f800000u | (mantissa << 13);
    } else {
        bits = sign | ((exponent + 127 - 15) << 23) | (mantissa << 13);
    }
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}

template <typename Out>
std::vector<Out> convertRaw(const TP& t, int64_t n) {
    const size_t size = elementSize(t.data_type());
    if (size == 0)
        throw ErrorException("tensor '" + t.name() + "' has unsupported element type " +
                             elementTypeName(t.data_type()));
    const std::string& raw = t.raw_data();
    if (raw.size() != static_cast<size_t>(n) * size)
        throw ErrorException("tensor '" + t.name() + "' holds " + std::to_string(raw.size()) +
                             " bytes but its shape needs " + std::to_string(n * size));
    std::vector<Out> out(static_cast<size_t>(n));
    const char* p = raw.data();
    for (int64_t i = 0; i < n; ++i, p += size) {
        switch (t.data_type()) {
        case TP::FLOAT: { float v; std::memcpy(&v, p, 4); out[i] = static_cast<Out>(v); break; }
        case TP::DOUBLE: { double v; std::memcpy(&v, p, 8); out[i] = static_cast<Out>(v); break; }
        case TP::FLOAT16: { uint16_t v; std::memcpy(&v, p, 2); out[i] = static_cast<Out>(halfToFloat(v)); break; }
        case TP::BFLOAT16: {
            uint16_t v; std::memcpy(&v, p, 2);
            const uint32_t bits = static_cast<uint32_t>(v) << 16;
            float f; std::memcpy(&f, &bits, 4); out[i] = static_cast<Out>(f); break;
        }
        case TP::INT8: out[i] = static_cast<Out>(static_cast<int8_t>(*p)); break;
        case TP::UINT8: case TP::BOOL: out[i] = static_cast<Out>(static_cast<uint8_t>(*p)); break;
        case TP::INT16: { int16_t v; std::memcpy(&v, p, 2); out[i] = static_cast<Out>(v); break; }
        case TP::UINT16: { uint16_t v; std::memcpy(&v, p, 2); out[i] = static_cast<Out>(v); break; }
        case TP::INT32: { int32_t v; std::memcpy(&v, p, 4); out[i] = static_cast<Out>(v); break; }
        case TP::UINT32: { uint32_t v; std::memcpy(&v, p, 4); out[i] = static_cast<Out>(v); break; }
        case TP::INT64: { int64_t v; std::memcpy(&v, p, 8); out[i] = static_cast<Out>(v); break; }
        case TP::UINT64: { uint64_t v; std::memcpy(&v, p, 8); out[i] = static_cast<Out>(v); break; }
        }
    }
    return out;
}

template <typename Out, typename Field>
std::vector<Out> convertField(const TP& t, const Field& field, int64_t n) {
    if (field.size() != n)
        throw ErrorException("tensor '" + t.name() + "' holds " + std::to_string(field.size()) +
                             " values but its shape needs " + std::to_string(n));
    std::vector<Out> out;
    out.reserve(static_cast<size_t>(n));
    for (const auto& v : field)
        out.push_back(static_cast<Out>(v));
    return out;
}

template <typename Out>
std::vector<Out> convert(const TP& t) {
    if (t.data_location() == TP::EXTERNAL && !t.has_raw_data())
        throw ErrorException("tensor '" + t.name() + "' has external data that was not loaded");
    const int64_t n = elementCount(t);
    if (t.has_raw_data())
        return convertRaw<Out>(t, n);
    switch (t.data_type()) {
    case TP::FLOAT: return convertField<Out>(t, t.float_data(), n);
    case TP::DOUBLE: return convertField<Out>(t, t.double_data(), n);
    case TP::INT64: return convertField<Out>(t, t.int64_data(), n);
    case TP::UINT32: case TP::UINT64: return convertField<Out>(t, t.uint64_data(), n);
    case TP::FLOAT16: {
        std::vector<Out> out = convertField<Out>(t, t.int32_data(), n);
        for (int64_t i = 0; i < n; ++i)
            out[i] = static_cast<Out>(halfToFloat(static_cast<uint16_t>(t.int32_data(i))));
        return out;
    }
    case TP::INT8: {
        std::vector<Out> out = convertField<Out>(t, t.int32_data(), n);
        for (int64_t i = 0; i < n; ++i)  // stored widened; the low byte is the value
            out[i] = static_cast<Out>(static_cast<int8_t>(t.int32_data(i)));
        return out;
    }
    case TP::UINT8: case TP::INT16: case TP::UINT16: case TP::INT32: case TP::BOOL:
        return convertField<Out>(t, t.int32_data(), n);
    default:
        throw ErrorException("tensor '" + t.name() + "' has unsupported element type " +
                             elementTypeName(t.data_type()));
    }
}

}  // namespace

size_t elementSize(int type) {
    switch (type) {
    case TP::FLOAT: case TP::INT32: case TP::UINT32: return 4;
    case TP::DOUBLE: case TP::INT64: case TP::UINT64: return 8;
    case TP::FLOAT16: case TP::BFLOAT16: case TP::INT16: case TP::UINT16: return 2;
    case TP::INT8: case TP::UINT8: case TP::BOOL: return 1;
    default: return 0;
    }
}

std::string elementTypeName(int type) {
    switch (type) {
    case TP::FLOAT: return "float32";
    case TP::UINT8: return "uint8";
    case TP::INT8: return "int8";
    case TP::UINT16: return "uint16";
    case TP::INT16: return "int16";
    case TP::INT32: return "int32";
    case TP::INT64: return "int64";
    case TP::STRING: return "string";
    case TP::BOOL: return "bool";
    case TP::FLOAT16: return "float16";
    case TP::DOUBLE: return "float64";
    case TP::UINT32: return "uint32";
    case TP::UINT64: return "uint64";
    case TP::BFLOAT16: return "bfloat16";
    case TP::UNDEFINED: return "undefined";
    default: return "type" + std::to_string(type);
    }
}

std::vector<int64_t> dims(const TP& tensor) {
    return {tensor.dims().begin(), tensor.dims().end()};
}

int64_t elementCount(const TP& tensor) {
    int64_t n = 1;
    for (const int64_t d : tensor.dims()) {
        if (d < 0)
            throw ErrorException("tensor '" + tensor.name() + "' has a negative dimension");
        if (d != 0 && n > std::numeric_limits<int64_t>::max() / d)
            throw ErrorException("tensor '" + tensor.name() + "' has an impossibly large shape");
        n *= d;
    }
    return n;
}

std::string shapeToString(const std::vector<int64_t>& shape) {
    std::ostringstream s;
    s << '[';
    for (size_t i = 0; i < shape.size(); ++i) {
        if (i)
            s << ',';
        if (shape[i] < 0)
            s << '?';
        else
            s << shape[i];
    }
    s << ']';
    return s.str();
}

std::vector<float> tensorToFloats(const TP& tensor) { return convert<float>(tensor); }
std::vector<int64_t> tensorToInts(const TP& tensor) { return convert<int64_t>(tensor); }

TP makeFloatTensor(const std::string& name, const std::vector<int64_t>& shape,
                   const std::vector<float>& values) {
    TP t;
    t.set_name(name);
    t.set_data_type(TP::FLOAT);
    for (const int64_t d : shape)
        t.add_dims(d);
    t.set_raw_data(std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float)));
    return t;
}

TP makeIntTensor(const std::string& name, int type, const std::vector<int64_t>& shape,
                 const std::vector<int64_t>& values) {
    TP t;
    t.set_name(name);
    t.set_data_type(type);
    for (const int64_t d : shape)
        t.add_dims(d);
    std::string raw(values.size() * elementSize(type), '\0');
    char* p = raw.data();
    for (const int64_t v : values) {
        switch (type) {
        case TP::INT8: { const int8_t x = static_cast<int8_t>(v); std::memcpy(p, &x, 1); p += 1; break; }
        case TP::UINT8: case TP::BOOL: { const uint8_t x = static_cast<uint8_t>(v); std::memcpy(p, &x, 1); p += 1; break; }
        case TP::INT16: { const int16_t x = static_cast<int16_t>(v); std::memcpy(p, &x, 2); p += 2; break; }
        case TP::UINT16: { const uint16_t x = static_cast<uint16_t>(v); std::memcpy(p, &x, 2); p += 2; break; }
        case TP::INT32: { const int32_t x = static_cast<int32_t>(v); std::memcpy(p, &x, 4); p += 4; break; }
        case TP::INT64: std::memcpy(p, &v, 8); p += 8; break;
        default: throw ErrorException("makeIntTensor: unsupported type " + elementTypeName(type));
        }
    }
    t.set_raw_data(raw);
    return t;
}

}  // namespace ql
