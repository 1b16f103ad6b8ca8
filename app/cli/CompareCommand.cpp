#include "CompareCommand.h"

#include <fstream>
#include <sstream>

#include "CliCommon.h"
#include "DetectionFlags.h"
#include "PreprocessFlags.h"
#include "SessionFlags.h"
#include "ProgressBar.h"
#include "inspect/ModelPairing.h"
#include "inspect/WeightComparison.h"
#include "report/CompareReport.h"
#include "util/AtomicFile.h"

namespace ql::cli {
namespace {

struct CompareOptions {
    std::string fp32;
    std::string quantized;
    std::vector<std::string> images;
    bool json = false;
    bool histograms = false;
    std::string csv;
    std::string order = "worst";
    size_t top = 30;
    SessionFlags session;
    PreprocessFlags preprocess;
    DetectionFlags detection;
};

int runCompare(const CompareOptions& o) {
    // Another network (pruned, fine-tuned) is compared where its layers still pair, after the verdict.
    auto models = loadModelPair(o.fp32, o.quantized, PairCheck::Warn);
    if (!models)
        return kExitError;
    const AnalyzedModel* fp32 = &models->fp32;
    const AnalyzedModel* quant = &models->quantized;
    auto images = collectImages(o.images);
    if (!images) {
        printError(images.errorMessage());
        return kExitError;
    }
    ActivationOptions options;
    options.session = o.session.options();
    auto decode = o.detection.decodeOptions();
    if (!decode)
        return kExitError;
    options.decode = *decode;
    auto pre = o.preprocess.resolve(fp32->model, *images, *decode, o.session.threads);
    if (!pre)
        return kExitError;
    options.preprocess = *pre;
    auto report = compareActivations(*fp32, *quant, *images, options, textProgress("comparing"));
    if (!report) {
        printError(report.errorMessage());
        return kExitError;
    }
    // Weights changed beyond rounding (QAT, another checkpoint) explain layer error quantization does not.
    std::string weightsVerdict;
    if (quant->qdq.format != QuantFormat::Float)
        if (auto pairing = ModelPairing::match(fp32->model.graph(), quant->model.graph(), quant->qdq))
            weightsVerdict = weightsChangedVerdict(
                compareWeights(fp32->model.graph(), quant->model.graph(), quant->qdq, *pairing));
    const LayerOrder order = o.order == "topo" ? LayerOrder::Topological : LayerOrder::WorstFirst;
    if (!o.csv.empty()) {
        std::ostringstream csv;
        writeActivationCsv(csv, *report, order);
        if (auto st = writeFileAtomically(o.csv, csv.str(), {o.fp32, o.quantized}); !st) {
            printError(st.errorMessage());
            return kExitError;
        }
    }
    if (o.json) {
        nlohmann::json j = toJson(*report, order, o.histograms);
        j["weights_verdict"] = weightsVerdict;
        printJson(j);
    } else {
        if (!weightsVerdict.empty())
            std::cout << "Weights: " << weightsVerdict << "\n";
        printActivationTable(std::cout, *report, order, o.top);
    }
    return 0;
}

}  // namespace

void addCompareCommand(CLI::App& app, int& exitCode) {
    auto o = std::make_shared<CompareOptions>();
    auto* cmd = app.add_subcommand("compare", "Run the FP32 and the quantized model on images and report the error of "
                                              "every quantized activation (QDQ, QOperator, dynamic) or paired tensor "
                                              "(FP16), worst first, and of the final outputs");
    cmd->add_option("fp32", o->fp32, "FP32 model")->required()->check(CLI::ExistingFile);
    cmd->add_option("quantized", o->quantized, "Quantized (QDQ, QOperator, dynamic) or FP16 model")
        ->required()->check(CLI::ExistingFile);
    cmd->add_option("--images", o->images, "Image files and/or folders")->required()->expected(1, -1);
    cmd->add_flag("--json", o->json, "Print JSON instead of the table");
    cmd->add_flag("--histograms", o->histograms, "With --json: include the histograms");
    cmd->add_option("--csv", o->csv, "Also write the table as CSV to this file");
    cmd->add_option("--order", o->order, "Row order: worst (lowest SQNR first) or topo (graph order)")
        ->check(CLI::IsMember({"worst", "topo"}));
    cmd->add_option("--top", o->top, "Rows to print, 0 for all (text output)");
    o->session.addTo(*cmd, "ONNX Runtime threads per model; the two run at once (0: half the cores each)");
    o->preprocess.addTo(*cmd);
    o->detection.addTo(*cmd);
    cmd->callback([o, &exitCode] { exitCode = runCompare(*o); });
}

}  // namespace ql::cli
