#include "DetectionFlags.h"

#include "CliCommon.h"
#include "detect/ClassNames.h"
#include "model/ModelMetadata.h"

namespace ql::cli {

void DetectionFlags::addTo(CLI::App& cmd) {
    cmd.add_option("--conf", confidence, "Confidence threshold for shown and matched boxes")->check(CLI::Range(0.0, 1.0));
    cmd.add_option("--iou", iou, "IoU threshold of NMS")->check(CLI::Range(0.0, 1.0));
    cmd.add_option("--max-det", maxDetections, "Most detections per image")->check(CLI::PositiveNumber);
    cmd.add_flag("--agnostic-nms", classAgnostic, "NMS across classes");
    cmd.add_option("--layout", layout,
                   "Output layout (head): auto, ultralytics ([1,4+C,N]), v5 ([1,3N,5+C]), yolox ([1,N,5+C] raw), "
                   "e2e ([1,K,6]), v6 ([1,N,5+C] pixels), v6-noobj ([1,N,4+C]), yolox-levels (3 outputs), "
                   "nas (boxes + scores), rtdetr ([1,300,4+C]), gfl (NanoDet: scores + distribution boxes)")
        ->check([](const std::string& text) { return parseLayout(text) ? std::string() : parseLayout(text).errorMessage(); });
    cmd.add_option("--reg-max", regMax, "GFL/NanoDet heads: distribution bins per box side minus one")
        ->check(CLI::Range(1, 64));
    cmd.add_flag("--gfl-centre", gflCellCentre,
                 "GFL/NanoDet heads: box distances from the cell centres (legacy NanoDet), not from "
                 "(x, y) * stride (NanoDet-Plus, the default)");
    cmd.add_option("--names", names, "Class names: a data YAML or a text file with one name per line");
    cmd.add_option("--output-name", outputName, "The output to decode, for a model with several outputs");
}

std::optional<DecodeOptions> DetectionFlags::decodeOptions() const {
    auto parsed = parseLayout(layout);
    if (!parsed) {
        printError(parsed.errorMessage());
        return std::nullopt;
    }
    DecodeOptions d;
    d.layout = *parsed;
    d.confidence = confidence;
    d.iou = iou;
    d.maxDetections = maxDetections;
    d.classAgnostic = classAgnostic;
    d.outputName = outputName;
    d.regMax = regMax;
    d.gflCellCentre = gflCellCentre;
    return d;
}

std::optional<DecodeOptions> DetectionFlags::decodeOptions(const OnnxModel& model) const {
    auto d = decodeOptions();
    if (!d)
        return std::nullopt;
    if (!names.empty()) {
        auto loaded = loadClassNames(names);
        if (!loaded) {
            printError(loaded.errorMessage());
            return std::nullopt;
        }
        d->expectedClasses = static_cast<int>(loaded->size());
        d->classSource = "--names " + names;
    } else if (auto fromModel = ModelMetadata::fromProps(model.metadataProps()).classNames; !fromModel.empty()) {
        d->expectedClasses = static_cast<int>(fromModel.size());
        d->classSource = "the model's metadata";
    }
    return d;
}

std::optional<std::vector<std::string>> DetectionFlags::classNames(const OnnxModel& model) const {
    if (!names.empty()) {
        auto loaded = loadClassNames(names);
        if (!loaded) {
            printError(loaded.errorMessage());
            return std::nullopt;
        }
        return std::move(loaded).value();
    }
    auto fromModel = ModelMetadata::fromProps(model.metadataProps()).classNames;
    return fromModel.empty() ? cocoClassNames() : fromModel;
}

}  // namespace ql::cli
