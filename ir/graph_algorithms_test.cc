#include "ir/graph_algorithms.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ir/parser.h"
#include "ir/support/status_matchers.h"

namespace imcc::ir {
namespace {

using ::imcc::testing::StatusIs;
using ::testing::HasSubstr;

constexpr absl::string_view kDiamond = R"(
module @m {
  input %x : f32[4]
  %d = math.add(%b, %c) : f32[4] @d
  %b = nn.relu(%x) : f32[4] @b
  %c = math.neg(%x) : f32[4] @c
  output %d
})";

TEST(GraphAlgorithmsTest, TopologicalOrderPutsProducersFirst) {
  IMCC_ASSERT_OK_AND_ASSIGN(Module m, ParseModule(kDiamond));
  IMCC_ASSERT_OK_AND_ASSIGN(std::vector<int> order, TopologicalOrder(m.graph()));
  ASSERT_EQ(order.size(), 3u);
  EXPECT_EQ(m.graph().node(order.back()).name, "d");
}

TEST(GraphAlgorithmsTest, CycleIsReportedWithANodeName) {
  IMCC_ASSERT_OK_AND_ASSIGN(Module m, ParseModule(R"(
module @m {
  input %x : f32[4]
  %a = math.add(%x, %b) : f32[4] @a
  %b = nn.relu(%a) : f32[4] @b
  output %b
})"));
  EXPECT_TRUE(FindCycle(m.graph()).has_value());
  EXPECT_THAT(TopologicalOrder(m.graph()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("graph has a cycle through node '")));
}

TEST(GraphAlgorithmsTest, ReachabilityFollowsDataflow) {
  IMCC_ASSERT_OK_AND_ASSIGN(Module m, ParseModule(kDiamond));
  const Graph& g = m.graph();
  std::vector<bool> r = ReachableFrom(g, g.FindNode("b"));
  EXPECT_TRUE(r[g.FindNode("b")]);
  EXPECT_TRUE(r[g.FindNode("d")]);
  EXPECT_FALSE(r[g.FindNode("c")]);
}

}  // namespace
}  // namespace imcc::ir
