#include "passes/graph/fold_batch_norm.h"

#include <cstring>

#include "gtest/gtest.h"
#include "ir/parser.h"
#include "ir/support/status_matchers.h"
#include "passes/graph/register.h"
#include "passes/manager/test_util.h"

namespace imcc::passes {
namespace {

std::vector<float> Floats(const ir::Module& m, const ir::Value& v) {
  std::vector<float> out(v.type.num_elements());
  std::memcpy(out.data(), v.data->bytes.data(), out.size() * 4);
  return out;
}

// Conv 1x1, one input and two output channels, weights [1, 2]; BN with
// gamma [2, 1], beta [0, 1], mean [1, 0], var [3, 0] (eps 1): s = [1, 1].
constexpr absl::string_view kConvBn = R"(
module @m {
  input %x : f32[1,1,2,2]
  weight %w : f32[2,1,1,1] = dense<"0000803f00000040">
  weight %g : f32[2] = dense<"000000400000803f">
  weight %b : f32[2] = dense<"000000000000803f">
  weight %mu : f32[2] = dense<"0000803f00000000">
  weight %v : f32[2] = dense<"0000404000000000">
  %c = nn.conv(%x, %w) : f32[1,2,2,2] @conv
  %y = nn.batch_norm(%c, %g, %b, %mu, %v) {epsilon=1.0} : f32[1,2,2,2] @bn
  output %y
})";

TEST(FoldBatchNormTest, FoldsScaleAndShiftIntoConv) {
  IMCC_ASSERT_OK_AND_ASSIGN(ir::Module m, ir::ParseModule(kConvBn));
  PassRegistry r;
  IMCC_ASSERT_OK(RegisterGraphPasses(r));
  IMCC_ASSERT_OK_AND_ASSIGN(PassResult res, RunSinglePass(r, "fold-batch-norm", m));
  EXPECT_TRUE(res.changed);
  ASSERT_EQ(m.graph().num_nodes(), 1);
  const ir::Node& conv = m.graph().node(0);
  ASSERT_EQ(conv.inputs.size(), 3u);
  // s = gamma / sqrt(var + 1) = [2/2, 1/1] = [1, 1]; b' = (0 - mean) * s + beta.
  EXPECT_EQ(Floats(m, m.graph().value(conv.inputs[1])), (std::vector<float>{1, 2}));
  EXPECT_EQ(Floats(m, m.graph().value(conv.inputs[2])), (std::vector<float>{-1, 1}));
  EXPECT_EQ(m.graph().FindValue("g"), ir::kNoValue);
}

TEST(FoldBatchNormTest, ShapeOnlyWeightsFoldShapeOnly) {
  IMCC_ASSERT_OK_AND_ASSIGN(ir::Module m, ir::ParseModule(R"(
module @m {
  input %x : f32[1,3,4,4]
  weight %w : f32[8,3,3,3]
  weight %g : f32[8]
  weight %b : f32[8]
  weight %mu : f32[8]
  weight %v : f32[8]
  %c = nn.conv(%x, %w) : f32[1,8,2,2] @conv
  %y = nn.batch_norm(%c, %g, %b, %mu, %v) : f32[1,8,2,2] @bn
  output %y
})"));
  PassRegistry r;
  IMCC_ASSERT_OK(RegisterGraphPasses(r));
  IMCC_ASSERT_OK_AND_ASSIGN(PassResult res, RunSinglePass(r, "fold-batch-norm", m));
  EXPECT_TRUE(res.changed);
  EXPECT_EQ(m.graph().num_nodes(), 1);
  EXPECT_EQ(m.graph().value(m.graph().node(0).inputs[2]).data, nullptr);
}

}  // namespace
}  // namespace imcc::passes
