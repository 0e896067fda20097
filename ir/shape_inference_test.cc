#include "ir/shape_inference.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ir/support/status_matchers.h"

namespace imcc::ir {
namespace {

using ::imcc::testing::StatusIs;
using ::testing::HasSubstr;

TensorType T(Shape s, DType d = DType::kF32) {
  TensorType t;
  t.dtype = d;
  t.shape = std::move(s);
  return t;
}

Shape Infer1(Op op, std::vector<TensorType> in, AttributeMap attrs = {}) {
  auto r = InferResultTypes(op, in, attrs);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? (*r)[0].shape : Shape{-1};
}

TEST(ShapeInferenceTest, ConvWithStridePadding) {
  AttributeMap a = {{"strides", Attribute(std::vector<int64_t>{2, 2})},
                    {"pads", Attribute(std::vector<int64_t>{3, 3, 3, 3})}};
  EXPECT_EQ(Infer1(Op::kConv, {T({1, 3, 224, 224}), T({64, 3, 7, 7})}, a),
            (Shape{1, 64, 112, 112}));
}

TEST(ShapeInferenceTest, DepthwiseConvNeedsOneInputChannelPerGroup) {
  AttributeMap a = {{"group", Attribute(int64_t{32})}};
  EXPECT_EQ(Infer1(Op::kConv, {T({1, 32, 8, 8}), T({32, 1, 3, 3})}, a), (Shape{1, 32, 6, 6}));
  EXPECT_THAT(InferResultTypes(Op::kConv, {T({1, 32, 8, 8}), T({32, 2, 3, 3})}, a),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("weight expects 64 input channels")));
}

TEST(ShapeInferenceTest, MaxPoolCeilModeDropsWindowStartingInPadding) {
  AttributeMap a = {{"kernel_shape", Attribute(std::vector<int64_t>{3, 3})},
                    {"strides", Attribute(std::vector<int64_t>{2, 2})},
                    {"ceil_mode", Attribute(int64_t{1})}};
  // googlenet: 112 -> 56 with ceil mode.
  EXPECT_EQ(Infer1(Op::kMaxPool, {T({1, 64, 112, 112})}, a), (Shape{1, 64, 56, 56}));
}

TEST(ShapeInferenceTest, MatMulBroadcastsBatchDims) {
  EXPECT_EQ(Infer1(Op::kMatMul, {T({2, 1, 4, 8}), T({3, 8, 5})}), (Shape{2, 3, 4, 5}));
  EXPECT_EQ(Infer1(Op::kMatMul, {T({8}), T({8, 5})}), (Shape{5}));
}

TEST(ShapeInferenceTest, GemmRejectsMismatchedInnerDims) {
  EXPECT_THAT(InferResultTypes(Op::kGemm, {T({1, 4}), T({5, 3})}, {}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("inner dimensions differ")));
  AttributeMap tb = {{"trans_b", Attribute(int64_t{1})}};
  EXPECT_EQ(Infer1(Op::kGemm, {T({1, 4}), T({3, 4}), T({3})}, tb), (Shape{1, 3}));
}

TEST(ShapeInferenceTest, SliceClampsAndSupportsNegativeSteps) {
  AttributeMap a = {{"starts", Attribute(std::vector<int64_t>{-1})},
                    {"ends", Attribute(std::vector<int64_t>{INT64_MIN})},
                    {"axes", Attribute(std::vector<int64_t>{1})},
                    {"steps", Attribute(std::vector<int64_t>{-2})}};
  EXPECT_EQ(Infer1(Op::kSlice, {T({2, 7})}, a), (Shape{2, 4}));
}

TEST(ShapeInferenceTest, ReshapeMustPreserveElementCount) {
  AttributeMap a = {{"shape", Attribute(std::vector<int64_t>{3, 3})}};
  EXPECT_THAT(InferResultTypes(Op::kReshape, {T({2, 4})}, a),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("cannot reshape [2,4]")));
}

TEST(ShapeInferenceTest, CompareGivesBool) {
  auto r = InferResultTypes(Op::kLess, {T({2, 1}), T({3})}, {});
  IMCC_ASSERT_OK(r.status());
  EXPECT_EQ((*r)[0].dtype, DType::kBool);
  EXPECT_EQ((*r)[0].shape, (Shape{2, 3}));
}

TEST(ShapeInferenceTest, BinaryRejectsDTypeMismatch) {
  EXPECT_THAT(InferResultTypes(Op::kAdd, {T({2}), T({2}, DType::kI64)}, {}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("input 0 is f32 but input 1 is i64")));
}

TEST(ShapeInferenceTest, WrongArityNamesTheOp) {
  EXPECT_THAT(InferResultTypes(Op::kRelu, {T({2}), T({2})}, {}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("nn.relu takes 1 inputs, got 2")));
}

TEST(ShapeInferenceTest, UnknownAttributeIsRejected) {
  AttributeMap a = {{"bogus", Attribute(int64_t{1})}};
  EXPECT_THAT(InferResultTypes(Op::kRelu, {T({2})}, a),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("has no attribute 'bogus'")));
}

TEST(ShapeInferenceTest, SplitProducesOneResultPerSize) {
  AttributeMap a = {{"axis", Attribute(int64_t{1})},
                    {"split", Attribute(std::vector<int64_t>{2, 6})}};
  auto r = InferResultTypes(Op::kSplit, {T({1, 8})}, a);
  IMCC_ASSERT_OK(r.status());
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[1].shape, (Shape{1, 6}));
}

TEST(ShapeInferenceTest, GatherInsertsIndexShape) {
  EXPECT_EQ(Infer1(Op::kGather, {T({30522, 768}), T({1, 128}, DType::kI64)}),
            (Shape{1, 128, 768}));
}

TEST(ShapeInferenceTest, UnsqueezeAndSqueezeAreInverse) {
  AttributeMap a = {{"axes", Attribute(std::vector<int64_t>{0, 3})}};
  EXPECT_EQ(Infer1(Op::kUnsqueeze, {T({4, 5})}, a), (Shape{1, 4, 5, 1}));
  EXPECT_EQ(Infer1(Op::kSqueeze, {T({1, 4, 5, 1})}, a), (Shape{4, 5}));
}

}  // namespace
}  // namespace imcc::ir
