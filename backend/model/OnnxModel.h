// An ONNX model in memory: file I/O (external data included), validation, and its Graph.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <onnx/onnx_pb.h>

#include "model/Graph.h"
#include "util/Result.h"

namespace ql {

class OnnxModel {
public:
    // Reads a .onnx file and the external data files it names; validates the graph.
    static Result<OnnxModel> load(const std::string& path);
    // Parses serialized model bytes; `externalDataDir` resolves external data locations.
    static Result<OnnxModel> fromBytes(std::string_view bytes, const std::string& displayName,
                                       const std::string& externalDataDir = {});
    // Wraps a model built in code (tests, the quantizer), validating it like a loaded one.
    static Result<OnnxModel> fromProto(onnx::ModelProto proto, const std::string& displayName);

    OnnxModel(OnnxModel&&) noexcept = default;
    OnnxModel& operator=(OnnxModel&&) noexcept = default;
    OnnxModel(const OnnxModel&) = delete;
    OnnxModel& operator=(const OnnxModel&) = delete;
    OnnxModel clone() const;

    const onnx::ModelProto& proto() const { return *proto_; }
    const Graph& graph() const { return *graph_; }

    const std::string& path() const { return path_; }  // empty for a model made in memory
    const std::string& displayName() const { return displayName_; }
    // Bytes of its .onnx file; for a model made in memory (fromProto, fromBytes), of its serialization.
    uint64_t fileSize() const { return fileSize_; }

    int64_t opsetVersion(const std::string& domain = "") const;  // 0 when the domain is not imported
    std::map<std::string, std::string> metadataProps() const;

    Result<std::string> serialize() const;
    // Writes atomically; refuses to overwrite any of `protectedInputs` (and this model's own file).
    Status save(const std::string& path, std::vector<std::string> protectedInputs = {}) const;
    // Runs the ONNX checker (full check, shapes included).
    Status check() const;

private:
    OnnxModel(std::unique_ptr<onnx::ModelProto> proto, std::string path, std::string displayName,
              uint64_t fileSize, std::unique_ptr<Graph> graph);
    static Result<OnnxModel> finish(std::unique_ptr<onnx::ModelProto> proto, std::string path,
                                    std::string displayName, uint64_t fileSize);

    // Behind pointers so that Graph's references into the proto survive moves of the model.
    std::unique_ptr<onnx::ModelProto> proto_;
    std::string path_;
    std::string displayName_;
    uint64_t fileSize_ = 0;
    std::unique_ptr<Graph> graph_;
};

}  // namespace ql
