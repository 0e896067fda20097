#include "ir/verifier.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ir/parser.h"
#include "ir/support/status_matchers.h"

namespace imcc::ir {
namespace {

using ::imcc::testing::IsOk;
using ::imcc::testing::StatusIs;
using ::testing::HasSubstr;

absl::Status VerifyText(absl::string_view text) {
  absl::StatusOr<Module> m = ParseModule(text);
  if (!m.ok()) return m.status();
  return VerifyModule(*m);
}

TEST(VerifierTest, AcceptsWellTypedConvNet) {
  EXPECT_THAT(VerifyText(R"(
module @m {
  input %x : f32[1,3,8,8]
  weight %w : f32[8,3,3,3]
  %y = nn.conv(%x, %w) {pads=[1,1,1,1]} : f32[1,8,8,8] @conv
  %z = nn.relu(%y) : f32[1,8,8,8] @relu
  output %z
})"),
              IsOk());
}

TEST(VerifierTest, WrongDeclaredShapeNamesNodeAndBothTypes) {
  EXPECT_THAT(VerifyText(R"(
module @m {
  input %x : f32[1,3,8,8]
  weight %w : f32[8,3,3,3]
  %y = nn.conv(%x, %w) : f32[1,8,8,8] @conv1
  output %y
})"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("node 'conv1' (nn.conv): result 0 declared f32[1,8,8,8], "
                                 "inferred f32[1,8,6,6]")));
}

TEST(VerifierTest, MissingRequiredAttribute) {
  EXPECT_THAT(VerifyText(R"(
module @m {
  input %x : f32[2,3]
  %y = tensor.reshape(%x) : f32[6] @r
  output %y
})"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("node 'r' (tensor.reshape): missing required attribute 'shape'")));
}

TEST(VerifierTest, CycleIsRejected) {
  EXPECT_THAT(VerifyText(R"(
module @m {
  input %x : f32[4]
  %a = math.add(%x, %b) : f32[4] @a
  %b = nn.relu(%a) : f32[4] @b
  output %b
})"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("graph has a cycle")));
}

TEST(VerifierTest, UseBeforeDefinitionIsRejected) {
  EXPECT_THAT(VerifyText(R"(
module @m {
  input %x : f32[4]
  %b = nn.relu(%a) : f32[4] @b
  %a = math.neg(%x) : f32[4] @a
  output %b
})"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("node 'b' uses value 'a' before its producer 'a'")));
}

TEST(VerifierTest, WeightDataSizeMustMatchType) {
  EXPECT_THAT(VerifyText(R"(
module @m {
  input %x : f32[2]
  weight %w : f32[2] = dense<"00000000">
  %y = math.add(%x, %w) : f32[2] @add
  output %y
})"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("value 'w': weight data has 4 bytes, type f32[2] needs 8")));
}

TEST(VerifierTest, PerChannelQuantNeedsOneScalePerChannel) {
  EXPECT_THAT(VerifyText(R"(
module @m {
  input %x : f32[2]
  weight %w : i8[4,2]{q axis=0 scales=[0.5,0.25]}
  output %x
})"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("value 'w': quantisation needs 4 scales, has 2")));
}

TEST(VerifierTest, QuantisedProductMayDeclareARealResult) {
  EXPECT_THAT(VerifyText(R"(
module @m {
  input %x : f32[1,4]
  weight %w : i8[3,4]{q axis=0 scales=[0.5,0.5,0.5]}
  %xq = math.cast(%x) {to="i32"} : i32[1,4]{q scales=[0.25]} @q
  %y = nn.gemm(%xq, %w) {trans_b=1} : f32[1,3] @fc
  output %y
})"),
              IsOk());
}

TEST(VerifierTest, ModuleWithoutOutputsIsRejected) {
  EXPECT_THAT(VerifyText("module @m {\n  input %x : f32[2]\n}"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("has no outputs")));
}

}  // namespace
}  // namespace imcc::ir
