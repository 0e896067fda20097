#include "passes/graph/canonicalize.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ir/parser.h"
#include "ir/printer.h"
#include "ir/support/status_matchers.h"
#include "passes/graph/register.h"
#include "passes/manager/test_util.h"

namespace imcc::passes {
namespace {

PassRegistry Registry() {
  PassRegistry r;
  EXPECT_TRUE(RegisterGraphPasses(r).ok());
  return r;
}

TEST(CanonicalizeTest, BypassesIdentityAndFoldsReshapeChains) {
  IMCC_ASSERT_OK_AND_ASSIGN(ir::Module m, ir::ParseModule(R"(
module @m {
  input %x : f32[6]
  %a = tensor.identity(%x) : f32[6] @id
  %b = tensor.reshape(%a) {shape=[2,3]} : f32[2,3] @r1
  %c = tensor.reshape(%b) {shape=[3,2]} : f32[3,2] @r2
  output %c
})"));
  IMCC_ASSERT_OK_AND_ASSIGN(PassResult r, RunSinglePass(Registry(), "canonicalize", m));
  EXPECT_TRUE(r.changed);
  ASSERT_EQ(m.graph().num_nodes(), 1);
  EXPECT_EQ(m.graph().node(0).name, "r2");
  EXPECT_EQ(m.graph().value(m.graph().node(0).inputs[0]).name, "x");
}

TEST(CanonicalizeTest, KeepsNoOpThatProducesAGraphOutput) {
  IMCC_ASSERT_OK_AND_ASSIGN(ir::Module m, ir::ParseModule(R"(
module @m {
  input %x : f32[6]
  %y = tensor.identity(%x) : f32[6] @id
  output %y
})"));
  IMCC_ASSERT_OK_AND_ASSIGN(PassResult r, RunSinglePass(Registry(), "canonicalize", m));
  EXPECT_FALSE(r.changed);
  EXPECT_EQ(m.graph().num_nodes(), 1);
}

TEST(CanonicalizeTest, SortsNodesTopologically) {
  IMCC_ASSERT_OK_AND_ASSIGN(ir::Module m, ir::ParseModule(R"(
module @m {
  input %x : f32[4]
  %b = nn.relu(%a) : f32[4] @b
  %a = math.neg(%x) : f32[4] @a
  output %b
})"));
  IMCC_ASSERT_OK_AND_ASSIGN(PassResult r, RunSinglePass(Registry(), "canonicalize", m));
  EXPECT_TRUE(r.changed);
  EXPECT_EQ(m.graph().node(0).name, "a");
  EXPECT_EQ(m.graph().node(1).name, "b");
}

}  // namespace
}  // namespace imcc::passes
