#include "ir/interpreter.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ir/parser.h"
#include "ir/support/status_matchers.h"

namespace imcc::ir {
namespace {

using ::imcc::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

HostTensor F32(Shape s, std::vector<double> v) {
  TensorType t;
  t.shape = std::move(s);
  return MakeHostTensor(t, std::move(v));
}

TEST(InterpreterTest, ConvWithPaddingAndBias) {
  // 3x3 input, 2x2 all-ones kernel, no padding, bias 1: each output is a window sum + 1.
  IMCC_ASSERT_OK_AND_ASSIGN(Module m, ParseModule(R"(module @m {
  input %x : f32[1,1,3,3]
  weight %w : f32[1,1,2,2] = dense<"0000803f0000803f0000803f0000803f">
  weight %b : f32[1] = dense<"0000803f">
  %y = nn.conv(%x, %w, %b) : f32[1,1,2,2] @conv
  output %y
})"));
  IMCC_ASSERT_OK_AND_ASSIGN(auto out, Interpret(m, {F32({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9})}));
  EXPECT_THAT(out[0].data, ElementsAre(1 + 12, 1 + 16, 1 + 24, 1 + 28));
}

TEST(InterpreterTest, MaxPoolCeilModeAndAvgPoolPadCounting) {
  IMCC_ASSERT_OK_AND_ASSIGN(Module m, ParseModule(R"(module @m {
  input %x : f32[1,1,3,3]
  %a = nn.max_pool(%x) {ceil_mode=1, kernel_shape=[2,2], strides=[2,2]} : f32[1,1,2,2] @mp
  %b = nn.avg_pool(%x) {kernel_shape=[3,3], pads=[1,1,1,1]} : f32[1,1,3,3] @ap
  output %a, %b
})"));
  IMCC_ASSERT_OK_AND_ASSIGN(auto out, Interpret(m, {F32({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9})}));
  EXPECT_THAT(out[0].data, ElementsAre(5, 6, 8, 9));
  EXPECT_DOUBLE_EQ(out[1].data[0], (1 + 2 + 4 + 5) / 4.0);  // padding not counted
}

TEST(InterpreterTest, SoftmaxRowsSumToOne) {
  IMCC_ASSERT_OK_AND_ASSIGN(Module m, ParseModule(R"(module @m {
  input %x : f32[2,3]
  %y = nn.softmax(%x) : f32[2,3] @sm
  output %y
})"));
  IMCC_ASSERT_OK_AND_ASSIGN(auto out, Interpret(m, {F32({2, 3}, {1, 2, 3, 0, 0, 0})}));
  EXPECT_NEAR(out[0].data[0] + out[0].data[1] + out[0].data[2], 1.0, 1e-6);
  EXPECT_FLOAT_EQ(out[0].data[3], 1.0f / 3);
}

TEST(InterpreterTest, QuantisedGemmAccumulatesIntegersExactly) {
  // x: i8 scale 0.5; w: i8 per-row (trans_b) scales [0.25, 1]; y: i8 scale 1.
  IMCC_ASSERT_OK_AND_ASSIGN(Module m, ParseModule(R"(module @m {
  input %x : i8[1,2]{q scales=[0.5]}
  weight %w : i8[2,2]{q axis=0 scales=[0.25,1]} = dense<"0102fd04">
  %y = nn.gemm(%x, %w) {trans_b=1} : i8[1,2]{q scales=[1]} @fc
  output %y
})"));
  TensorType xt;
  xt.dtype = DType::kI8;
  xt.shape = {1, 2};
  IMCC_ASSERT_OK_AND_ASSIGN(auto out, Interpret(m, {MakeHostTensor(xt, {3, -5})}));
  // Row 0: (3*1 + -5*2) = -7 -> -7 * 0.5 * 0.25 = -0.875 -> round to -1.
  // Row 1: (3*-3 + -5*4) = -29 -> -29 * 0.5 * 1 = -14.5 -> half to even: -14.
  EXPECT_THAT(out[0].data, ElementsAre(-1, -14));
}

TEST(InterpreterTest, ShapeOnlyWeightIsFailedPrecondition) {
  IMCC_ASSERT_OK_AND_ASSIGN(Module m, ParseModule(R"(module @m {
  input %x : f32[2]
  weight %w : f32[2]
  %y = math.add(%x, %w) : f32[2] @add
  output %y
})"));
  EXPECT_THAT(Interpret(m, {F32({2}, {1, 2})}),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("weight 'w' has no data (shape-only)")));
}

TEST(InterpreterTest, WrongInputShapeIsInvalidArgument) {
  IMCC_ASSERT_OK_AND_ASSIGN(Module m, ParseModule(R"(module @m {
  input %x : f32[2]
  %y = nn.relu(%x) : f32[2] @r
  output %y
})"));
  EXPECT_THAT(Interpret(m, {F32({3}, {1, 2, 3})}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("input 'x' must be f32[2], got f32[3]")));
}

TEST(InterpreterTest, F16RoundsEveryResult) {
  IMCC_ASSERT_OK_AND_ASSIGN(Module m, ParseModule(R"(module @m {
  input %x : f16[1]
  %y = math.add(%x, %x) : f16[1] @a
  output %y
})"));
  TensorType t;
  t.dtype = DType::kF16;
  t.shape = {1};
  IMCC_ASSERT_OK_AND_ASSIGN(auto out, Interpret(m, {MakeHostTensor(t, {0.1})}));
  EXPECT_EQ(out[0].data[0], 0.199951171875);  // 2 * fp16(0.1), exactly representable
}

TEST(InterpreterTest, EncodeDecodeRoundTrip) {
  TensorType t;
  t.dtype = DType::kI8;
  t.shape = {3};
  HostTensor h = MakeHostTensor(t, {-128, 0, 127});
  WeightData w;
  w.bytes = EncodeTensor(h);
  IMCC_ASSERT_OK_AND_ASSIGN(HostTensor back, DecodeWeight(t, w));
  EXPECT_EQ(back.data, h.data);
}

}  // namespace
}  // namespace imcc::ir
