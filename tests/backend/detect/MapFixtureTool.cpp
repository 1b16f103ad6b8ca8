// Scores mAP fixtures for tests/python/check_synthetic_map.py: reads {"cases": [{"name", "images":
// [{"gt": [[class, x1, y1, x2, y2], ...], "dt": [[class, score, x1, y1, x2, y2], ...]}, ...]}]}
// and prints {"cases": [{"name", "map50", "map50_95"}]} as MapEvaluator computes them, so that
// the script can hold them against its own numpy computation.
#include <fstream>
#include <iostream>

#include <nlohmann/json.hpp>

#include "detect/MapEvaluator.h"

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: map_fixture_tool FIXTURE.json\n";
        return 2;
    }
    std::ifstream in(argv[1]);
    const auto fixture = nlohmann::json::parse(in, nullptr, false);
    if (fixture.is_discarded() || !fixture.contains("cases")) {
        std::cerr << argv[1] << " is not a fixture (JSON with \"cases\")\n";
        return 2;
    }
    nlohmann::json out = {{"cases", nlohmann::json::array()}};
    try {
        for (const auto& c : fixture.at("cases")) {
            ql::MapEvaluator evaluator;
            for (const auto& image : c.at("images")) {
                std::vector<ql::Detection> gt, dt;
                for (const auto& g : image.at("gt"))
                    gt.push_back({{g[1].get<float>(), g[2].get<float>(), g[3].get<float>(), g[4].get<float>()}, g[0].get<int>(), 1.0f});
                for (const auto& d : image.at("dt"))
                    dt.push_back({{d[2].get<float>(), d[3].get<float>(), d[4].get<float>(), d[5].get<float>()}, d[0].get<int>(),
                                  d[1].get<float>()});
                evaluator.addImage(std::move(dt), std::move(gt));
            }
            const ql::MapResult r = evaluator.result();
            out["cases"].push_back({{"name", c.at("name")}, {"map50", r.map50}, {"map50_95", r.map50to95}});
        }
    } catch (const nlohmann::json::exception& e) {
        std::cerr << argv[1] << ": " << e.what() << "\n";
        return 2;
    }
    std::cout << out.dump(1) << "\n";
    return 0;
}
