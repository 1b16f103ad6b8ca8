#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "model/ModelBuilder.h"
#include "model/OnnxModel.h"
#include "model/TensorData.h"
#include "support/TestModels.h"

namespace ql {
namespace {

std::string writeBytes(const std::string& name, const std::string& bytes) {
    const std::string path = test::tempPath(name);
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
}

TEST(OnnxModel, LoadsAModelWrittenBySave) {
    auto model = OnnxModel::fromProto(test::makeConvNet(), "convnet");
    ASSERT_TRUE(model) << model.errorMessage();
    const std::string path = test::tempPath("convnet.onnx");
    ASSERT_TRUE(model->save(path));
    auto loaded = OnnxModel::load(path);
    ASSERT_TRUE(loaded) << loaded.errorMessage();
    EXPECT_EQ(loaded->graph().nodeCount(), 3);
    EXPECT_EQ(loaded->opsetVersion(), 17);
    EXPECT_EQ(loaded->path(), path);
    EXPECT_EQ(loaded->fileSize(), std::filesystem::file_size(path));
    EXPECT_TRUE(loaded->check()) << loaded->check().errorMessage();
}

// A model made in memory (the quantizer's, re-quantized in the app) has no file, but its size is
// what saving it writes: the bytes on disk afterwards, not 0.
TEST(OnnxModel, AModelMadeInMemoryKnowsTheSizeItSavesTo) {
    for (auto [name, proto] : {std::pair{"convnet_mem.onnx", test::makeConvNet()}, {"qdq_mem.onnx", test::makeQdqConvNet()}}) {
        auto model = OnnxModel::fromProto(proto, name);
        ASSERT_TRUE(model) << model.errorMessage();
        EXPECT_TRUE(model->path().empty());
        const std::string path = test::tempPath(name);
        ASSERT_TRUE(model->save(path));
        EXPECT_GT(model->fileSize(), 100u) << name;
        EXPECT_EQ(model->fileSize(), std::filesystem::file_size(path)) << name;
    }
}

TEST(OnnxModel, MissingFileIsAClearError) {
    auto model = OnnxModel::load("/nonexistent/model.onnx");
    ASSERT_FALSE(model);
    EXPECT_NE(model.errorMessage().find("no such file"), std::string::npos) << model.errorMessage();
}

TEST(OnnxModel, EmptyFileIsAClearError) {
    auto model = OnnxModel::load(writeBytes("empty.onnx", ""));
    ASSERT_FALSE(model);
    EXPECT_NE(model.errorMessage().find("is empty"), std::string::npos) << model.errorMessage();
}

TEST(OnnxModel, TruncatedFileIsAClearError) {
    auto bytes = OnnxModel::fromProto(test::makeConvNet(), "convnet")->serialize();
    ASSERT_TRUE(bytes);
    auto model = OnnxModel::load(writeBytes("truncated.onnx", bytes->substr(0, bytes->size() / 2)));
    ASSERT_FALSE(model);
    EXPECT_NE(model.errorMessage().find("truncated or corrupt"), std::string::npos) << model.errorMessage();
}

TEST(OnnxModel, TextFileIsNotAModel) {
    auto model = OnnxModel::load(writeBytes("notes.onnx", "just some notes, not a model\n"));
    ASSERT_FALSE(model);
    EXPECT_NE(model.errorMessage().find("notes.onnx"), std::string::npos) << model.errorMessage();
}

TEST(OnnxModel, FolderIsAClearError) {
    auto model = OnnxModel::load(std::filesystem::temp_directory_path().string());
    ASSERT_FALSE(model);
    EXPECT_NE(model.errorMessage().find("folder"), std::string::npos);
}

TEST(OnnxModel, LoadsExternalData) {
    auto proto = test::makeConvNet();
    // Move W1 into an external file at an offset, as onnx.save_model(save_as_external_data=True) does.
    auto* w1 = proto.mutable_graph()->mutable_initializer(0);
    ASSERT_EQ(w1->name(), "W1");
    const std::string data = w1->raw_data();
    const std::string padding(16, 'x');
    writeBytes("weights.bin", padding + data);
    w1->clear_raw_data();
    w1->set_data_location(onnx::TensorProto::EXTERNAL);
    for (auto [k, v] : {std::pair<std::string, std::string>{"location", "weights.bin"}, {"offset", "16"},
                        {"length", std::to_string(data.size())}}) {
        auto* e = w1->add_external_data();
        e->set_key(k);
        e->set_value(v);
    }
    const std::string path = writeBytes("external.onnx", proto.SerializeAsString());
    auto model = OnnxModel::load(path);
    ASSERT_TRUE(model) << model.errorMessage();
    EXPECT_EQ(tensorToFloats(*model->graph().initializer("W1")), test::convNetWeight1());

    std::filesystem::remove(test::tempPath("weights.bin"));
    auto missing = OnnxModel::load(path);
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.errorMessage().find("weights.bin"), std::string::npos) << missing.errorMessage();
    EXPECT_NE(missing.errorMessage().find("missing"), std::string::npos) << missing.errorMessage();
}

TEST(OnnxModel, ExternalDataOutsideTheModelFolderIsRefused) {
    auto proto = test::makeConvNet();
    auto* w1 = proto.mutable_graph()->mutable_initializer(0);
    w1->clear_raw_data();
    w1->set_data_location(onnx::TensorProto::EXTERNAL);
    auto* e = w1->add_external_data();
    e->set_key("location");
    e->set_value("../../etc/passwd");
    auto model = OnnxModel::load(writeBytes("escape.onnx", proto.SerializeAsString()));
    ASSERT_FALSE(model);
    EXPECT_NE(model.errorMessage().find("outside the model's folder"), std::string::npos) << model.errorMessage();
}

TEST(OnnxModel, SaveNeverOverwritesItsInput) {
    auto model = OnnxModel::fromProto(test::makeConvNet(), "convnet");
    const std::string path = test::tempPath("input.onnx");
    ASSERT_TRUE(model->save(path));
    auto loaded = OnnxModel::load(path);
    ASSERT_TRUE(loaded);
    const auto before = std::filesystem::file_size(path);
    auto st = loaded->save(path);
    ASSERT_FALSE(st);
    EXPECT_NE(st.errorMessage().find("input file"), std::string::npos) << st.errorMessage();
    EXPECT_EQ(std::filesystem::file_size(path), before);
}

TEST(OnnxModel, MetadataAndOpsets) {
    ModelBuilder b(13);
    b.input("x", {1}).output("y", {1});
    b.node("Relu", {"x"}, {"y"}, "r");
    b.metadata("names", "{0: 'person', 1: 'bicycle'}");
    auto model = OnnxModel::fromProto(b.build(), "m");
    ASSERT_TRUE(model);
    EXPECT_EQ(model->opsetVersion(), 13);
    EXPECT_EQ(model->opsetVersion("com.microsoft"), 0);
    EXPECT_EQ(model->metadataProps().at("names"), "{0: 'person', 1: 'bicycle'}");
}

}  // namespace
}  // namespace ql
