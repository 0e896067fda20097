#include "passes/graph/dce.h"

#include "gtest/gtest.h"
#include "ir/parser.h"
#include "ir/support/status_matchers.h"
#include "passes/graph/register.h"
#include "passes/manager/test_util.h"

namespace imcc::passes {
namespace {

TEST(DceTest, RemovesDeadChainAndItsWeights) {
  IMCC_ASSERT_OK_AND_ASSIGN(ir::Module m, ir::ParseModule(R"(
module @m {
  input %x : f32[4]
  weight %w : f32[4]
  %a = math.add(%x, %w) : f32[4] @a
  %b = nn.relu(%a) : f32[4] @b
  %y = math.neg(%x) : f32[4] @n
  output %y
})"));
  PassRegistry r;
  IMCC_ASSERT_OK(RegisterGraphPasses(r));
  IMCC_ASSERT_OK_AND_ASSIGN(PassResult res, RunSinglePass(r, "dce", m));
  EXPECT_TRUE(res.changed);
  EXPECT_EQ(m.graph().num_nodes(), 1);
  EXPECT_EQ(m.graph().FindValue("w"), ir::kNoValue);
}

TEST(DceTest, UnchangedOnLiveGraph) {
  IMCC_ASSERT_OK_AND_ASSIGN(ir::Module m, ir::ParseModule(R"(
module @m {
  input %x : f32[4]
  %y = math.neg(%x) : f32[4] @n
  output %y
})"));
  PassRegistry r;
  IMCC_ASSERT_OK(RegisterGraphPasses(r));
  IMCC_ASSERT_OK_AND_ASSIGN(PassResult res, RunSinglePass(r, "dce", m));
  EXPECT_FALSE(res.changed);
}

}  // namespace
}  // namespace imcc::passes
