#include "quantize/CalibrationExport.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <vector>

namespace ql {

Result<CalibrationFormat> parseCalibrationFormat(const std::string& text) {
    if (text == "ort-json")
        return CalibrationFormat::OrtJson;
    if (text == "ort-cache")
        return CalibrationFormat::OrtCache;
    if (text == "ort-flatbuffers")
        return CalibrationFormat::OrtFlatbuffers;
    if (text == "tensorrt")
        return CalibrationFormat::TensorRT;
    return Error{"unknown calibration format '" + text + "' (use ort-json, ort-cache, ort-flatbuffers or tensorrt)"};
}

std::string calibrationFormatName(CalibrationFormat f) {
    switch (f) {
    case CalibrationFormat::OrtJson: return "ort-json";
    case CalibrationFormat::OrtCache: return "ort-cache";
    case CalibrationFormat::OrtFlatbuffers: return "ort-flatbuffers";
    case CalibrationFormat::TensorRT: return "tensorrt";
    }
    return "?";
}

Result<CalibrationFormat> calibrationFormatFor(const std::string& path) {
    const std::filesystem::path p(path);
    std::string ext = p.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (ext == ".json")
        return CalibrationFormat::OrtJson;
    if (ext == ".flatbuffers")
        return CalibrationFormat::OrtFlatbuffers;
    if (p.filename() == "calibration.cache")
        return CalibrationFormat::OrtCache;
    if (ext == ".cache" || ext == ".calib" || ext == ".txt")
        return CalibrationFormat::TensorRT;
    return Error{path + ": the format cannot be told from the name; add --calibration-format ort-json, ort-cache, "
                        "ort-flatbuffers or tensorrt"};
}

std::string pythonFloatRepr(double v) {
    if (std::isnan(v))
        return "nan";
    if (std::isinf(v))
        return v < 0 ? "-inf" : "inf";
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);  // shortest round trip
    std::string sci(buf, r.ptr);
    std::string sign;
    if (sci[0] == '-') {
        sign = "-";
        sci = sci.substr(1);
    }
    const size_t e = sci.find('e');
    std::string digits = sci.substr(0, e);
    digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
    const int exponent = std::stoi(sci.substr(e + 1));
    const int point = exponent + 1;  // digits before the decimal point
    // Python's float_repr_style 'short': exponent notation when point <= -4 or point > 16.
    if (point <= -4 || point > 16) {
        std::string mantissa = digits.substr(0, 1);
        if (digits.size() > 1)
            mantissa += "." + digits.substr(1);
        char exp[16];
        std::snprintf(exp, sizeof(exp), "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
        return sign + mantissa + exp;
    }
    std::string out;
    if (point <= 0) {
        out = "0." + std::string(static_cast<size_t>(-point), '0') + digits;
    } else if (static_cast<size_t>(point) >= digits.size()) {
        out = digits + std::string(static_cast<size_t>(point) - digits.size(), '0') + ".0";
    } else {
        out = digits.substr(0, static_cast<size_t>(point)) + "." + digits.substr(static_cast<size_t>(point));
    }
    return sign + out;
}

namespace {

// json.dumps' string: quotes, backslashes and control characters escaped; non-ASCII as \uXXXX
// (ensure_ascii), from UTF-8.
std::string jsonString(const std::string& s) {
    std::string out = "\"";
    for (size_t i = 0; i < s.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        char buf[16];
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c == '\r') {
            out += "\\r";
        } else if (c < 0x20) {
            std::snprintf(buf, sizeof(buf), "\\u%04x", c);
            out += buf;
        } else if (c < 0x80) {
            out += static_cast<char>(c);
        } else {
            // Decode one UTF-8 sequence; invalid bytes pass through as U+FFFD.
            uint32_t cp = 0xFFFD;
            size_t extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
            if (extra && i + extra < s.size()) {
                cp = c & (0x3F >> extra);
                for (size_t k = 1; k <= extra; ++k)
                    cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
                i += extra;
            }
            auto unit = [&](uint32_t u) {
                std::snprintf(buf, sizeof(buf), "\\u%04x", u);
                out += buf;
            };
            if (cp >= 0x10000) {
                cp -= 0x10000;
                unit(0xD800 + (cp >> 10));
                unit(0xDC00 + (cp & 0x3FF));
            } else {
                unit(cp);
            }
        }
    }
    return out + "\"";
}

std::string methodEnumName(CalibrationMethod m) {
    switch (m) {
    case CalibrationMethod::MinMax: return "MinMax";
    case CalibrationMethod::Entropy: return "Entropy";
    case CalibrationMethod::Percentile: return "Percentile";
    }
    return "MinMax";
}

// ONNX Runtime writes str(max(float(highest), float(lowest))) for every tensor.
std::string ortValue(const std::pair<float, float>& r) {
    return pythonFloatRepr(std::max(static_cast<double>(r.second), static_cast<double>(r.first)));
}

void put32(std::string& b, size_t at, uint32_t v) {
    for (int i = 0; i < 4; ++i)
        b[at + static_cast<size_t>(i)] = static_cast<char>((v >> (8 * i)) & 0xFF);
}
void append16(std::string& b, uint16_t v) {
    b += static_cast<char>(v & 0xFF);
    b += static_cast<char>(v >> 8);
}
void append32(std::string& b, uint32_t v) {
    for (int i = 0; i < 4; ++i)
        b += static_cast<char>((v >> (8 * i)) & 0xFF);
}
void pad4(std::string& b) {
    while (b.size() % 4)
        b += '\0';
}

// A FlatBuffer of ORT's CalTableFlatBuffers schema (table KeyValue { key: string (key); value: string; }
// table TrtTable { dict: [KeyValue]; } root_type TrtTable;), laid out front to back: every offset
// points forward, scalars are 4-byte aligned. Entries in ONNX Runtime's order (it prepends the
// sorted keys, so the vector runs from the last key to the first).
std::string flatbuffer(const std::vector<std::pair<std::string, std::string>>& entries) {
    std::string b;
    append32(b, 0);  // root offset, set below
    const size_t tableVtable = b.size();
    append16(b, 6);  // vtable bytes
    append16(b, 8);  // table bytes: soffset + dict
    append16(b, 4);  // dict at +4
    pad4(b);
    const size_t table = b.size();
    put32(b, 0, static_cast<uint32_t>(table));
    append32(b, static_cast<uint32_t>(table - tableVtable));  // soffset: table - vtable
    const size_t dictField = b.size();
    append32(b, 0);
    const size_t vector = b.size();
    put32(b, dictField, static_cast<uint32_t>(vector - dictField));
    append32(b, static_cast<uint32_t>(entries.size()));
    const size_t slots = b.size();
    for (size_t i = 0; i < entries.size(); ++i)
        append32(b, 0);
    const size_t kvVtable = b.size();
    append16(b, 8);   // vtable bytes
    append16(b, 12);  // table bytes: soffset + key + value
    append16(b, 4);   // key at +4
    append16(b, 8);   // value at +8
    for (size_t i = 0; i < entries.size(); ++i) {
        pad4(b);
        const size_t kv = b.size();
        put32(b, slots + 4 * i, static_cast<uint32_t>(kv - (slots + 4 * i)));
        append32(b, static_cast<uint32_t>(kv - kvVtable));
        const size_t keyField = b.size();
        append32(b, 0);
        const size_t valueField = b.size();
        append32(b, 0);
        for (const auto& [field, text] : {std::make_pair(keyField, &entries[i].first), std::make_pair(valueField, &entries[i].second)}) {
            pad4(b);
            put32(b, field, static_cast<uint32_t>(b.size() - field));
            append32(b, static_cast<uint32_t>(text->size()));
            b += *text;
            b += '\0';
        }
    }
    pad4(b);
    return b;
}

}  // namespace

std::string calibrationTable(const std::map<std::string, std::pair<float, float>>& ranges, CalibrationFormat format,
                             CalibrationMethod method, const std::string& trtVersion) {
    std::string out;
    switch (format) {
    case CalibrationFormat::OrtJson: {
        // json.dumps(TensorsData, cls=MyEncoder): TensorsData.to_dict() with TensorData.to_dict()
        // per tensor and numpy scalars as {"data", "dtype", "CLS"}.
        auto number = [](float v) {
            return "{\"data\": " + pythonFloatRepr(static_cast<double>(v)) + ", \"dtype\": \"float32\", \"CLS\": \"numpy.array\"}";
        };
        out = "{\"CLS\": \"TensorsData\", \"data\": {";
        bool first = true;
        for (const auto& [tensor, r] : ranges) {
            out += (first ? "" : ", ") + jsonString(tensor) + ": {\"lowest\": " + number(r.first) + ", \"highest\": " +
                   number(r.second) + ", \"CLS\": \"TensorData\"}";
            first = false;
        }
        out += "}, \"calibration_method\": {\"CLS\": \"CalibrationMethod\", \"value\": \"CalibrationMethod." +
               methodEnumName(method) + "\"}}";
        return out;
    }
    case CalibrationFormat::OrtCache:
        for (const auto& [tensor, r] : ranges)
            out += tensor + " " + ortValue(r) + "\n";
        return out;
    case CalibrationFormat::OrtFlatbuffers: {
        std::vector<std::pair<std::string, std::string>> entries;
        for (auto it = ranges.rbegin(); it != ranges.rend(); ++it)
            entries.emplace_back(it->first, ortValue(it->second));
        return flatbuffer(entries);
    }
    case CalibrationFormat::TensorRT: {
        // TensorRT's IInt8EntropyCalibrator2 cache: per tensor the float32 bits of its scale,
        // amax / 127, in lowercase hex.
        out = "TRT-" + trtVersion + "-EntropyCalibration2\n";
        for (const auto& [tensor, r] : ranges) {
            const float amax = std::max(std::fabs(r.first), std::fabs(r.second));
            const float scale = amax / 127.0f;
            uint32_t bits;
            std::memcpy(&bits, &scale, 4);
            char hex[16];
            std::snprintf(hex, sizeof(hex), "%x", bits);
            out += tensor + ": " + hex + "\n";
        }
        return out;
    }
    }
    return out;
}

}  // namespace ql
