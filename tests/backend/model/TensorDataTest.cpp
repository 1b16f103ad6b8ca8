#include <gtest/gtest.h>

#include "model/TensorData.h"
#include "util/Result.h"

namespace ql {
namespace {

TEST(TensorData, RawFloatRoundTrip) {
    const auto t = makeFloatTensor("w", {2, 2}, {1.0f, -2.5f, 3.25f, 0.0f});
    EXPECT_EQ(tensorToFloats(t), (std::vector<float>{1.0f, -2.5f, 3.25f, 0.0f}));
    EXPECT_EQ(elementCount(t), 4);
}

TEST(TensorData, IntegerTypesRoundTrip) {
    for (int type : {onnx::TensorProto::INT8, onnx::TensorProto::UINT8, onnx::TensorProto::INT32, onnx::TensorProto::INT64}) {
        const std::vector<int64_t> values = type == onnx::TensorProto::UINT8 ? std::vector<int64_t>{0, 7, 255}
                                                                             : std::vector<int64_t>{-128, 0, 127};
        const auto t = makeIntTensor("q", type, {3}, values);
        EXPECT_EQ(tensorToInts(t), values) << elementTypeName(type);
    }
}

TEST(TensorData, TypedFieldsAreRead) {
    onnx::TensorProto t;
    t.set_name("f");
    t.set_data_type(onnx::TensorProto::FLOAT);
    t.add_dims(2);
    t.add_float_data(0.5f);
    t.add_float_data(-1.0f);
    EXPECT_EQ(tensorToFloats(t), (std::vector<float>{0.5f, -1.0f}));

    onnx::TensorProto i8;
    i8.set_data_type(onnx::TensorProto::INT8);
    i8.add_dims(2);
    i8.add_int32_data(-5);
    i8.add_int32_data(100);
    EXPECT_EQ(tensorToInts(i8), (std::vector<int64_t>{-5, 100}));
}

TEST(TensorData, Float16IsConverted) {
    onnx::TensorProto t;
    t.set_data_type(onnx::TensorProto::FLOAT16);
    t.add_dims(3);
    const uint16_t halves[3] = {0x3c00, 0xc000, 0x3800};  // 1, -2, 0.5
    t.set_raw_data(std::string(reinterpret_cast<const char*>(halves), sizeof halves));
    EXPECT_EQ(tensorToFloats(t), (std::vector<float>{1.0f, -2.0f, 0.5f}));
}

TEST(TensorData, SizeMismatchIsAnError) {
    auto t = makeFloatTensor("w", {4}, {1.0f, 2.0f});
    EXPECT_THROW(tensorToFloats(t), ErrorException);
}

TEST(TensorData, HugeDeclaredShapeIsAnError) {
    onnx::TensorProto t;
    t.set_name("huge");
    t.set_data_type(onnx::TensorProto::FLOAT);
    for (int i = 0; i < 4; ++i)
        t.add_dims(int64_t{1} << 40);
    EXPECT_THROW(elementCount(t), ErrorException);
}

TEST(TensorData, ShapeToString) {
    EXPECT_EQ(shapeToString({1, 3, -1, 640}), "[1,3,?,640]");
    EXPECT_EQ(shapeToString({}), "[]");
}

}  // namespace
}  // namespace ql
