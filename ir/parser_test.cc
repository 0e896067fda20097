#include "ir/parser.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ir/printer.h"
#include "ir/support/status_matchers.h"
#include "ir/verifier.h"

namespace imcc::ir {
namespace {

using ::imcc::testing::IsOk;
using ::imcc::testing::StatusIs;
using ::testing::HasSubstr;

constexpr absl::string_view kCanonical = R"(module @"net/v1" {
  metadata "source" = "tiny.onnx"
  input %x : f32[1,3,8,8]
  input %ids : i64[1,4]
  weight %w : f32[8,3,3,3]
  weight %b : f32[8] = dense<"0000803f0000803f0000803f0000803f0000803f0000803f0000803f0000803f">
  weight %q : i8[8,2]{q axis=0 scales=[0.5,0.25,0.125,1,2,3,4,5] zps=[0,0,0,0,1,1,1,1]}
  weight %"onnx::Emb_7" : f32[10,5]
  %y = nn.conv(%x, %w, %b) {group=1, pads=[1,1,1,1], strides=[1,1]} : f32[1,8,8,8] @"/conv1/Conv"
  %e = tensor.gather(%"onnx::Emb_7", %ids) : f32[1,4,5] @gather
  %p0, %p1 = tensor.split(%y) {axis=1, split=[3,5]} : f32[1,3,8,8], f32[1,5,8,8] @split
  %c = math.clip(%p0) {max=6.0, min=0.0} : f32[1,3,8,8] @clip
  %g = nn.gelu(%c) {approximate="tanh"} : f32[1,3,8,8] @gelu
  %l = nn.leaky_relu(%p1) {alpha=1e-05} : f32[1,5,8,8] @lrelu
  output %g, %l, %e
}
)";

TEST(ParserTest, TextRoundTripsExactly) {
  IMCC_ASSERT_OK_AND_ASSIGN(Module m, ParseModule(kCanonical));
  const std::string printed = PrintModule(m);
  // Default-valued attributes (group=1, strides=[1,1]) are dropped on print.
  IMCC_ASSERT_OK_AND_ASSIGN(Module again, ParseModule(printed));
  EXPECT_EQ(PrintModule(again), printed);
  EXPECT_TRUE(again.StructurallyEqual(m));
  EXPECT_THAT(printed, HasSubstr("@\"/conv1/Conv\""));
  EXPECT_THAT(printed, Not(HasSubstr("group=1")));
  EXPECT_THAT(VerifyModule(m), IsOk());
}

TEST(ParserTest, WeightDataAndQuantParamsSurvive) {
  IMCC_ASSERT_OK_AND_ASSIGN(Module m, ParseModule(kCanonical));
  const Value& b = m.graph().value(m.graph().FindValue("b"));
  ASSERT_NE(b.data, nullptr);
  float first;
  memcpy(&first, b.data->bytes.data(), 4);
  EXPECT_EQ(first, 1.0f);
  const Value& q = m.graph().value(m.graph().FindValue("q"));
  ASSERT_TRUE(q.type.quant.has_value());
  EXPECT_EQ(q.type.quant->axis, 0);
  EXPECT_EQ(q.type.quant->scales[2], 0.125f);
  EXPECT_EQ(q.type.quant->zero_points[7], 1);
  EXPECT_EQ(m.graph().value(m.graph().FindValue("w")).data, nullptr);  // shape-only
}

TEST(ParserTest, UnknownOpNamesOpAndPosition) {
  EXPECT_THAT(ParseModule("module @m {\n  input %x : f32[2]\n  %y = nn.frobnicate(%x) : f32[2] @n\n}"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("line 3:8: unknown op 'nn.frobnicate'")));
}

TEST(ParserTest, UnknownAttributeIsAnError) {
  EXPECT_THAT(ParseModule("module @m {\n  input %x : f32[2]\n  %y = nn.relu(%x) {alpha=1.0} : f32[2] @n\n}"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("nn.relu has no attribute 'alpha'")));
}

TEST(ParserTest, UndefinedValueIsAnError) {
  EXPECT_THAT(ParseModule("module @m {\n  %y = nn.relu(%nope) : f32[2] @n\n  output %y\n}"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("node 'n' uses undefined value '%nope'")));
}

TEST(ParserTest, DuplicateValueIsAnError) {
  EXPECT_THAT(ParseModule("module @m {\n  input %x : f32[2]\n  input %x : f32[2]\n}"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("value 'x' is defined twice")));
}

TEST(ParserTest, UnknownDTypeIsAnError) {
  EXPECT_THAT(ParseModule("module @m {\n  input %x : f33[2]\n}"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unknown dtype 'f33'")));
}

TEST(ParserTest, ElidedWeightsCannotBeParsed) {
  EXPECT_THAT(ParseModule("module @m {\n  weight %w : f32[2] = dense<elided 8 bytes>\n}"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("has elided data")));
}

TEST(ParserTest, TruncatedInputIsAnError) {
  EXPECT_THAT(ParseModule("module @m {\n  input %x : f32[2"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("expected ']'")));
  EXPECT_THAT(ParseModule(""), StatusIs(absl::StatusCode::kInvalidArgument,
                                        HasSubstr("expected 'module', found end of input")));
}

TEST(ParserTest, ControlCharactersInNamesAreEscaped) {
  Module m("m");
  TensorType t;
  t.shape = {1};
  ASSERT_TRUE(m.graph().AddInput(std::string("a\nb\"c"), t).ok());
  m.graph().AddOutput(0);
  const std::string text = PrintModule(m);
  EXPECT_THAT(text, HasSubstr("%\"a\\x0ab\\\"c\""));
  IMCC_ASSERT_OK_AND_ASSIGN(Module back, ParseModule(text));
  EXPECT_TRUE(back.StructurallyEqual(m));
}

}  // namespace
}  // namespace imcc::ir
