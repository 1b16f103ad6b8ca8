#include "project/RunHistory.h"

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <sstream>

#include <nlohmann/json.hpp>

#include "detect/OutputParts.h"

namespace ql {
namespace {

constexpr const char* kOrigins[] = {"loaded", "baseline", "re-quantized", "suggestion"};

std::string csvField(const std::string& text) {
    if (text.find_first_of(",\"\n") == std::string::npos)
        return text;
    std::string quoted = "\"";
    for (char c : text)
        quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + "\"";
}

std::string number(double value, int decimals) {
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    return text;
}

std::string optionalNumber(const std::optional<double>& value, int decimals) {
    return value ? number(*value, decimals) : std::string();
}

nlohmann::json optionalJson(const std::optional<double>& value) {
    return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

std::optional<double> optionalFrom(const nlohmann::json& j, const char* key) {
    if (!j.contains(key) || j.at(key).is_null())
        return std::nullopt;
    return j.at(key).get<double>();
}

}  // namespace

std::string originName(RunOrigin origin) { return kOrigins[static_cast<int>(origin)]; }

std::string ExclusionDiff::describe() const {
    if (empty())
        return "same";
    std::string text;
    if (!added.empty())
        text += "+" + std::to_string(added.size());
    if (!removed.empty())
        text += (text.empty() ? "" : " ") + std::string("\u2212") + std::to_string(removed.size());
    return text;
}

ExclusionDiff diffExclusions(const std::vector<std::string>& before, const std::vector<std::string>& after) {
    std::vector<std::string> b = before, a = after;
    std::sort(b.begin(), b.end());
    std::sort(a.begin(), a.end());
    ExclusionDiff d;
    std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(d.added));
    std::set_difference(b.begin(), b.end(), a.begin(), a.end(), std::back_inserter(d.removed));
    return d;
}

void fillFromComparison(RunMetrics& metrics, const ActivationReport& report) {
    metrics.images = report.imageCount;
    metrics.parts.clear();
    for (const auto& output : report.outputs) {
        metrics.parts.push_back({output.name, output.metrics.sqnrDb});
        for (const auto& part : output.parts)
            metrics.parts.push_back({output.name + " " + partName(part.kind), part.metrics.sqnrDb});
    }
    metrics.fidelity50.reset();
    metrics.fidelity50to95.reset();
    if (report.fidelity) {
        metrics.fidelity50 = report.fidelity->map.map50;
        metrics.fidelity50to95 = report.fidelity->map.map50to95;
    }
    metrics.failures = report.failures;
}

double latencySpreadMs(const LatencyStats& latency) { return (latency.p95Ms - latency.minMs) / 2; }

Run& RunHistory::add(Run run) {
    run.number = runs_.empty() ? 1 : runs_.back().number + 1;
    std::sort(run.exclusions.begin(), run.exclusions.end());
    runs_.push_back(std::move(run));
    return runs_.back();
}

Run* RunHistory::find(int number) {
    auto it = std::find_if(runs_.begin(), runs_.end(), [number](const Run& r) { return r.number == number; });
    return it == runs_.end() ? nullptr : &*it;
}

const Run* RunHistory::find(int number) const { return const_cast<RunHistory*>(this)->find(number); }

const Run* RunHistory::previous(int number) const {
    const Run* before = nullptr;
    for (const auto& r : runs_) {
        if (r.number == number)
            return before;
        before = &r;
    }
    return nullptr;
}

std::string RunHistory::toCsv() const {
    std::vector<std::string> parts;  // every part any run has, in first-seen order
    for (const auto& r : runs_)
        for (const auto& p : r.metrics.parts)
            if (std::find(parts.begin(), parts.end(), p.name) == parts.end())
                parts.push_back(p.name);
    std::ostringstream out;
    out << "run,origin,name,excluded,added,removed,calibration,images";
    for (const auto& p : parts)
        out << "," << csvField(p + " SQNR dB");
    out << ",fidelity mAP50,fidelity mAP50-95,mAP50,mAP50-95,latency median ms,latency spread ms,latency runs,size bytes,"
           "failures\n";
    for (const auto& r : runs_) {
        const Run* before = previous(r.number);
        const ExclusionDiff diff = before ? diffExclusions(before->exclusions, r.exclusions) : ExclusionDiff{};
        const RunMetrics& m = r.metrics;
        out << r.number << "," << originName(r.origin) << "," << csvField(r.name) << "," << r.exclusions.size() << ","
            << diff.added.size() << "," << diff.removed.size() << "," << csvField(r.calibration) << "," << m.images;
        for (const auto& name : parts) {
            auto it = std::find_if(m.parts.begin(), m.parts.end(), [&](const RunPart& p) { return p.name == name; });
            out << "," << (it == m.parts.end() ? std::string() : number(it->sqnrDb, 2));
        }
        std::string failures;
        for (const auto& f : m.failures)
            failures += (failures.empty() ? "" : "; ") + f;
        out << "," << optionalNumber(m.fidelity50, 4) << "," << optionalNumber(m.fidelity50to95, 4) << ","
            << optionalNumber(m.map50, 4) << "," << optionalNumber(m.map50to95, 4) << ","
            << (m.latency ? number(m.latency->medianMs, 2) : "") << ","
            << (m.latency ? number(latencySpreadMs(*m.latency), 2) : "") << ","
            << (m.latency ? std::to_string(m.latency->runs) : "") << "," << m.sizeBytes << "," << csvField(failures)
            << "\n";
    }
    return out.str();
}

nlohmann::json RunHistory::toJson() const {
    nlohmann::json all = nlohmann::json::array();
    for (const auto& r : runs_) {
        const RunMetrics& m = r.metrics;
        nlohmann::json parts = nlohmann::json::array();
        for (const auto& p : m.parts)
            parts.push_back({{"name", p.name}, {"sqnr_db", p.sqnrDb}});
        nlohmann::json latency = nullptr;
        if (m.latency)
            latency = {{"runs", m.latency->runs}, {"min_ms", m.latency->minMs}, {"median_ms", m.latency->medianMs},
                       {"p95_ms", m.latency->p95Ms}, {"mean_ms", m.latency->meanMs}};
        all.push_back({{"number", r.number},
                       {"origin", originName(r.origin)},
                       {"name", r.name},
                       {"exclusions", r.exclusions},
                       {"calibration", r.calibration},
                       {"images", m.images},
                       {"parts", parts},
                       {"fidelity_map50", optionalJson(m.fidelity50)},
                       {"fidelity_map50_95", optionalJson(m.fidelity50to95)},
                       {"map50", optionalJson(m.map50)},
                       {"map50_95", optionalJson(m.map50to95)},
                       {"latency", latency},
                       {"size_bytes", m.sizeBytes},
                       {"failures", m.failures}});
    }
    return all;
}

Result<RunHistory> RunHistory::fromJson(const nlohmann::json& json) {
    if (!json.is_array())
        return Error{"runs: expected a list"};
    RunHistory history;
    for (size_t i = 0; i < json.size(); ++i) {
        const auto& j = json[i];
        const std::string where = "runs[" + std::to_string(i) + "]";
        try {
            Run r;
            r.number = j.at("number").get<int>();
            const std::string origin = j.at("origin").get<std::string>();
            auto it = std::find(std::begin(kOrigins), std::end(kOrigins), origin);
            if (it == std::end(kOrigins))
                return Error{where + ".origin: unknown origin '" + origin + "'"};
            r.origin = static_cast<RunOrigin>(it - std::begin(kOrigins));
            r.name = j.value("name", std::string());
            r.exclusions = j.value("exclusions", std::vector<std::string>{});
            r.calibration = j.value("calibration", std::string());
            RunMetrics& m = r.metrics;
            m.images = j.value("images", size_t{0});
            for (const auto& p : j.value("parts", nlohmann::json::array()))
                m.parts.push_back({p.at("name").get<std::string>(), p.at("sqnr_db").get<double>()});
            m.fidelity50 = optionalFrom(j, "fidelity_map50");
            m.fidelity50to95 = optionalFrom(j, "fidelity_map50_95");
            m.map50 = optionalFrom(j, "map50");
            m.map50to95 = optionalFrom(j, "map50_95");
            if (j.contains("latency") && !j.at("latency").is_null()) {
                const auto& l = j.at("latency");
                m.latency = LatencyStats{l.at("runs").get<int>(), l.at("min_ms").get<double>(), l.at("median_ms").get<double>(),
                                         l.at("p95_ms").get<double>(), l.at("mean_ms").get<double>()};
            }
            m.sizeBytes = j.value("size_bytes", uint64_t{0});
            m.failures = j.value("failures", std::vector<std::string>{});
            if (!history.runs_.empty() && r.number <= history.runs_.back().number)
                return Error{where + ".number: runs must be numbered in increasing order"};
            history.runs_.push_back(std::move(r));
        } catch (const nlohmann::json::exception& e) {
            return Error{where + ": " + e.what()};
        }
    }
    return history;
}

}  // namespace ql
