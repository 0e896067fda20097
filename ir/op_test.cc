#include "ir/op.h"

#include <string>

#include "gtest/gtest.h"
#include "ir/attribute.h"

namespace imcc::ir {
namespace {

TEST(OpTableTest, IsSortedByNameSoLookupCanBinarySearch) {
  for (int i = 1; i < kNumOps; ++i) {
    EXPECT_LT(GetOpInfo(static_cast<Op>(i - 1)).name, GetOpInfo(static_cast<Op>(i)).name);
  }
}

TEST(OpTableTest, NameRoundTripsForEveryOp) {
  for (int i = 0; i < kNumOps; ++i) {
    Op op = static_cast<Op>(i);
    ASSERT_TRUE(OpFromName(OpName(op)).has_value()) << OpName(op);
    EXPECT_EQ(*OpFromName(OpName(op)), op);
  }
}

TEST(OpTableTest, UnknownNameIsNotFound) {
  EXPECT_FALSE(OpFromName("nn.conv3000").has_value());
  EXPECT_FALSE(OpFromName("").has_value());
}

TEST(OpTableTest, ConvTakesTwoOrThreeInputs) {
  const OpInfo& info = GetOpInfo(Op::kConv);
  EXPECT_EQ(info.name, "nn.conv");
  EXPECT_EQ(info.min_inputs, 2);
  EXPECT_EQ(info.max_inputs, 3);
  EXPECT_EQ(info.rule, "Conv");
}

TEST(AttrSpecTest, ConvDeclaresGroupWithDefaultOne) {
  const AttrSpec* spec = FindAttrSpec(Op::kConv, "group");
  ASSERT_NE(spec, nullptr);
  EXPECT_EQ(spec->type, AttrType::kInt);
  EXPECT_EQ(spec->default_value.i(), 1);
  EXPECT_EQ(FindAttrSpec(Op::kConv, "nonexistent"), nullptr);
}

TEST(AttrSpecTest, RequiredAttributesHaveNoDefault) {
  const AttrSpec* spec = FindAttrSpec(Op::kReshape, "shape");
  ASSERT_NE(spec, nullptr);
  EXPECT_TRUE(spec->required());
}

TEST(AttributeTest, FloatsAlwaysPrintAsFloats) {
  EXPECT_EQ(AttributeToString(Attribute(1.0)), "1.0");
  EXPECT_EQ(AttributeToString(Attribute(1e-5)), "1e-05");
  EXPECT_EQ(AttributeToString(Attribute(int64_t{3})), "3");
  EXPECT_EQ(AttributeToString(Attribute(std::string("a\"b"))), "\"a\\\"b\"");
}

}  // namespace
}  // namespace imcc::ir
