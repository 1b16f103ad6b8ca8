#include "model/OnnxModel.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <google/protobuf/io/coded_stream.h>
#include <onnx/checker.h>

#include "model/TensorData.h"
#include "util/AtomicFile.h"

namespace fs = std::filesystem;

namespace ql {
namespace {

constexpr uint64_t kProtobufLimit = 2147483647ull;  // protobuf cannot parse or write more

std::string readFile(const std::string& path, uint64_t offset, int64_t length) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw ErrorException("cannot open " + path);
    in.seekg(0, std::ios::end);
    const uint64_t size = static_cast<uint64_t>(in.tellg());
    if (offset > size)
        throw ErrorException(path + " is shorter than the offset " + std::to_string(offset));
    const uint64_t count = length < 0 ? size - offset : static_cast<uint64_t>(length);
    if (offset + count > size)
        throw ErrorException(path + " is truncated: needs " + std::to_string(offset + count) +
                             " bytes, has " + std::to_string(size));
    std::string bytes(count, '\0');
    in.seekg(static_cast<std::streamoff>(offset));
    in.read(bytes.data(), static_cast<std::streamsize>(count));
    if (!in)
        throw ErrorException("error reading " + path);
    return bytes;
}

void loadExternalData(onnx::TensorProto& tensor, const std::string& baseDir) {
    if (tensor.data_location() != onnx::TensorProto::EXTERNAL)
        return;
    std::string location;
    uint64_t offset = 0;
    int64_t length = -1;
    for (const auto& entry : tensor.external_data()) {
        if (entry.key() == "location")
            location = entry.value();
        else if (entry.key() == "offset")
            offset = std::stoull(entry.value());
        else if (entry.key() == "length")
            length = std::stoll(entry.value());
    }
    const fs::path rel(location);
    if (location.empty())
        throw ErrorException("tensor '" + tensor.name() + "' has external data without a location");
    for (const auto& part : rel)
        if (rel.is_absolute() || part == "..")
            throw ErrorException("tensor '" + tensor.name() + "' names external data outside the model's folder: " + location);
    const std::string file = (fs::path(baseDir.empty() ? "." : baseDir) / rel).string();
    if (!fs::exists(file))
        throw ErrorException("external data file " + file + " for tensor '" + tensor.name() + "' is missing");
    tensor.set_raw_data(readFile(file, offset, length));
    tensor.clear_external_data();
    tensor.set_data_location(onnx::TensorProto::DEFAULT);
    elementCount(tensor);  // validates the shape
}

void loadExternalData(onnx::GraphProto& graph, const std::string& baseDir) {
    for (auto& init : *graph.mutable_initializer())
        loadExternalData(init, baseDir);
    for (auto& node : *graph.mutable_node())
        for (auto& attr : *node.mutable_attribute()) {
            if (attr.has_t())
                loadExternalData(*attr.mutable_t(), baseDir);
            if (attr.has_g())
                loadExternalData(*attr.mutable_g(), baseDir);
            for (auto& g : *attr.mutable_graphs())
                loadExternalData(g, baseDir);
        }
}

}  // namespace

OnnxModel::OnnxModel(std::unique_ptr<onnx::ModelProto> proto, std::string path, std::string displayName,
                     uint64_t fileSize, std::unique_ptr<Graph> graph)
    : proto_(std::move(proto)), path_(std::move(path)), displayName_(std::move(displayName)),
      fileSize_(fileSize), graph_(std::move(graph)) {}

Result<OnnxModel> OnnxModel::finish(std::unique_ptr<onnx::ModelProto> proto, std::string path,
                                    std::string displayName, uint64_t fileSize) {
    if (!proto->has_graph() || (proto->graph().node_size() == 0 && proto->graph().output_size() == 0))
        return Error{displayName + " is not an ONNX model: it has no graph"};
    if (proto->ir_version() <= 0)
        return Error{displayName + " is not an ONNX model: it has no IR version"};
    auto graph = Graph::build(*proto);
    if (!graph)
        return Error{displayName + ": " + graph.errorMessage()};
    auto graphPtr = std::make_unique<Graph>(std::move(graph).value());
    return OnnxModel(std::move(proto), std::move(path), std::move(displayName), fileSize, std::move(graphPtr));
}

Result<OnnxModel> OnnxModel::load(const std::string& path) {
    std::error_code ec;
    if (!fs::exists(path, ec))
        return Error{"cannot open " + path + ": no such file"};
    if (fs::is_directory(path, ec))
        return Error{"cannot open " + path + ": it is a folder, not an .onnx file"};
    const uint64_t size = fs::file_size(path, ec);
    if (ec)
        return Error{"cannot open " + path + ": " + ec.message()};
    if (size == 0)
        return Error{path + " is empty"};
    if (size > kProtobufLimit)
        return Error{path + " is larger than 2 GiB; ONNX models that big keep their weights in external data files"};
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return Error{"cannot open " + path + ": permission denied or unreadable"};
    std::string bytes(size, '\0');
    in.read(bytes.data(), static_cast<std::streamsize>(size));
    if (!in)
        return Error{"error reading " + path};
    auto model = fromBytes(bytes, path, fs::path(path).parent_path().string());
    if (!model)
        return model;
    model->path_ = path;
    model->fileSize_ = size;
    return model;
}

Result<OnnxModel> OnnxModel::fromBytes(std::string_view bytes, const std::string& displayName,
                                       const std::string& externalDataDir) {
    auto proto = std::make_unique<onnx::ModelProto>();
    google::protobuf::io::CodedInputStream stream(reinterpret_cast<const uint8_t*>(bytes.data()),
                                                  static_cast<int>(bytes.size()));
    stream.SetRecursionLimit(200);
    if (!proto->ParseFromCodedStream(&stream) || !stream.ConsumedEntireMessage())
        return Error{displayName + " is not a valid ONNX model: the file is truncated or corrupt "
                                   "(protobuf parsing failed)"};
    auto loaded = catchErrors(displayName, [&]() -> Status {
        loadExternalData(*proto->mutable_graph(), externalDataDir);
        return Ok{};
    });
    if (!loaded)
        return loaded.error();
    return finish(std::move(proto), {}, displayName, bytes.size());
}

Result<OnnxModel> OnnxModel::fromProto(onnx::ModelProto proto, const std::string& displayName) {
    // No file: the size is what saving it would write, so a model made in the app (re-quantized,
    // say) reports its real size rather than 0 bytes.
    const uint64_t serializedSize = proto.ByteSizeLong();
    return finish(std::make_unique<onnx::ModelProto>(std::move(proto)), {}, displayName, serializedSize);
}

OnnxModel OnnxModel::clone() const {
    auto copy = finish(std::make_unique<onnx::ModelProto>(*proto_), path_, displayName_, fileSize_);
    return std::move(copy).value();  // the original validated, so the copy does
}

int64_t OnnxModel::opsetVersion(const std::string& domain) const {
    for (const auto& op : proto_->opset_import()) {
        const bool isDefault = op.domain().empty() || op.domain() == "ai.onnx";
        if ((domain.empty() || domain == "ai.onnx") ? isDefault : op.domain() == domain)
            return op.version();
    }
    return 0;
}

std::map<std::string, std::string> OnnxModel::metadataProps() const {
    std::map<std::string, std::string> props;
    for (const auto& p : proto_->metadata_props())
        props[p.key()] = p.value();
    return props;
}

Result<std::string> OnnxModel::serialize() const {
    if (proto_->ByteSizeLong() > kProtobufLimit)
        return Error{displayName_ + " is larger than 2 GiB and cannot be written as one .onnx file"};
    std::string bytes;
    if (!proto_->SerializeToString(&bytes))
        return Error{"cannot serialize " + displayName_};
    return bytes;
}

Status OnnxModel::save(const std::string& path, std::vector<std::string> protectedInputs) const {
    if (!path_.empty())
        protectedInputs.push_back(path_);
    auto bytes = serialize();
    if (!bytes)
        return bytes.error();
    return writeFileAtomically(path, *bytes, protectedInputs);
}

Status OnnxModel::check() const {
    return catchErrors(displayName_, [&]() -> Status {
        onnx::checker::check_model(*proto_);
        return Ok{};
    });
}

}  // namespace ql
