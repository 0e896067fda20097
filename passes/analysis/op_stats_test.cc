#include "passes/analysis/op_stats.h"

#include "gtest/gtest.h"
#include "ir/parser.h"
#include "ir/support/status_matchers.h"

namespace imcc::passes {
namespace {

TEST(OpStatsAnalysisTest, CountsConvAndGemmMacsAndParameters) {
  IMCC_ASSERT_OK_AND_ASSIGN(ir::Module m, ir::ParseModule(R"(
module @m {
  input %x : f32[1,3,8,8]
  weight %w : f32[8,3,3,3]
  weight %fw : f32[10,512]
  %y = nn.conv(%x, %w) {pads=[1,1,1,1]} : f32[1,8,8,8] @conv
  %f = tensor.flatten(%y) : f32[1,512] @flat
  %z = nn.gemm(%f, %fw) {trans_b=1} : f32[1,10] @fc
  output %z
})"));
  AnalysisManager am(m);
  const OpStatsAnalysis& s = am.Get<OpStatsAnalysis>();
  EXPECT_EQ(s.macs(), 8 * 8 * 8 * 27 + 10 * 512);
  EXPECT_EQ(s.parameters(), 8 * 27 + 10 * 512);
  EXPECT_EQ(s.weights_shape_only(), 2);
  EXPECT_EQ(s.ops_by_kind().at("nn.conv"), 1);
  EXPECT_EQ(s.num_nodes(), 3);
}

}  // namespace
}  // namespace imcc::passes
