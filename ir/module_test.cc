#include "ir/module.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ir/support/status_matchers.h"

namespace imcc::ir {
namespace {

using ::imcc::testing::StatusIs;
using ::testing::HasSubstr;

TensorType F32(Shape s) {
  TensorType t;
  t.shape = std::move(s);
  return t;
}

TEST(GraphTest, DuplicateValueNameIsAlreadyExists) {
  Graph g;
  IMCC_ASSERT_OK(g.AddInput("x", F32({2})).status());
  EXPECT_THAT(g.AddWeight("x", F32({2}), nullptr),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("value 'x' is defined twice")));
}

TEST(GraphTest, FailedAddNodeLeavesGraphUnchanged) {
  Graph g;
  IMCC_ASSERT_OK_AND_ASSIGN(ValueId x, g.AddInput("x", F32({2})));
  EXPECT_FALSE(g.AddNode(Op::kSplit, "s", {x}, {"a", "x"}, {F32({1}), F32({1})}).ok());
  EXPECT_EQ(g.num_values(), 1);
  EXPECT_EQ(g.num_nodes(), 0);
  EXPECT_EQ(g.FindValue("a"), kNoValue);
  IMCC_EXPECT_OK(g.AddNode(Op::kRelu, "s", {x}, {"a"}, {F32({2})}).status());
}

TEST(NodeTest, SettingADefaultValueKeepsTheMapCanonical) {
  Node n;
  n.op = Op::kConv;
  n.Set("group", Attribute(int64_t{1}));
  EXPECT_TRUE(n.attrs.empty());
  EXPECT_EQ(n.GetInt("group"), 1);
  n.Set("group", Attribute(int64_t{4}));
  EXPECT_EQ(n.GetInt("group"), 4);
}

TEST(GraphTest, EraseNodesDropsTheirUnusedResultsAndRenumbers) {
  Graph g;
  IMCC_ASSERT_OK_AND_ASSIGN(ValueId x, g.AddInput("x", F32({2})));
  IMCC_ASSERT_OK_AND_ASSIGN(int a, g.AddNode(Op::kRelu, "a", {x}, {"ya"}, {F32({2})}));
  IMCC_ASSERT_OK_AND_ASSIGN(int b, g.AddNode(Op::kNeg, "b", {x}, {"yb"}, {F32({2})}));
  g.AddOutput(g.node(b).outputs[0]);
  std::vector<bool> dead(g.num_nodes(), false);
  dead[a] = true;
  g.EraseNodesAndCompact(dead);
  ASSERT_EQ(g.num_nodes(), 1);
  EXPECT_EQ(g.node(0).name, "b");
  EXPECT_EQ(g.FindValue("ya"), kNoValue);
  EXPECT_EQ(g.value(g.outputs()[0]).name, "yb");
  EXPECT_EQ(g.value(g.outputs()[0]).producer, 0);
}

TEST(GraphTest, ReplaceAllUsesRewritesNodeInputsAndOutputs) {
  Graph g;
  IMCC_ASSERT_OK_AND_ASSIGN(ValueId x, g.AddInput("x", F32({2})));
  IMCC_ASSERT_OK_AND_ASSIGN(int a, g.AddNode(Op::kIdentity, "a", {x}, {"ya"}, {F32({2})}));
  ValueId ya = g.node(a).outputs[0];
  IMCC_ASSERT_OK_AND_ASSIGN(int b, g.AddNode(Op::kNeg, "b", {ya}, {"yb"}, {F32({2})}));
  g.AddOutput(ya);
  g.ReplaceAllUsesWith(ya, x);
  EXPECT_EQ(g.node(b).inputs[0], x);
  EXPECT_EQ(g.outputs()[0], x);
  EXPECT_EQ(g.UseCounts()[ya], 0);
}

TEST(GraphTest, UniqueNameAvoidsValuesAndNodes) {
  Graph g;
  IMCC_ASSERT_OK(g.AddInput("x", F32({2})).status());
  EXPECT_EQ(g.UniqueName("x"), "x_1");
  EXPECT_EQ(g.UniqueName("y"), "y");
}

TEST(WeightDataTest, HashIsFnv1a64) {
  // FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c (published test vector).
  EXPECT_EQ(ContentHash("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(MakeWeightData("a")->hash, 0xaf63dc4c8601ec8cULL);
}

}  // namespace
}  // namespace imcc::ir
