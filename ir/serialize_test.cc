#include "ir/serialize.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ir/parser.h"
#include "ir/printer.h"
#include "ir/support/status_matchers.h"

namespace imcc::ir {
namespace {

using ::imcc::testing::StatusIs;
using ::testing::HasSubstr;

constexpr absl::string_view kText = R"(module @m {
  metadata "producer" = "test"
  input %x : f32[1,2]
  weight %w : f32[3,2] = dense<"000000000000803f0000004000004040000080400000a040">
  weight %s : i8[3]{q scales=[0.5]}
  %y = nn.gemm(%x, %w) {alpha=0.5, trans_b=1} : f32[1,3] @fc
  %a, %b = tensor.split(%y) {axis=1, split=[1,2]} : f32[1,1], f32[1,2] @split
  output %b, %a
}
)";

TEST(SerializeTest, BinaryRoundTripIsStructurallyEqual) {
  IMCC_ASSERT_OK_AND_ASSIGN(Module m, ParseModule(kText));
  IMCC_ASSERT_OK_AND_ASSIGN(Module back, DeserializeModule(SerializeModule(m)));
  EXPECT_TRUE(back.StructurallyEqual(m));
  EXPECT_EQ(PrintModule(back), kText);
}

TEST(SerializeTest, ReferencedWeightsResolveThroughTheStore) {
  IMCC_ASSERT_OK_AND_ASSIGN(Module m, ParseModule(kText));
  const std::string by_ref = SerializeModule(m, WeightMode::kReference);
  EXPECT_LT(by_ref.size(), SerializeModule(m).size());
  WeightStore store;
  CollectWeights(m, store);
  IMCC_ASSERT_OK_AND_ASSIGN(Module back, DeserializeModule(by_ref, &store));
  EXPECT_TRUE(back.StructurallyEqual(m));
  // The payload is shared, not copied.
  EXPECT_EQ(back.graph().value(back.graph().FindValue("w")).data.get(),
            m.graph().value(m.graph().FindValue("w")).data.get());
}

TEST(SerializeTest, MissingReferencedWeightIsNotFound) {
  IMCC_ASSERT_OK_AND_ASSIGN(Module m, ParseModule(kText));
  WeightStore empty;
  EXPECT_THAT(DeserializeModule(SerializeModule(m, WeightMode::kReference), &empty),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("weight 'w' refers to payload")));
}

TEST(SerializeTest, UnresolvedReferencesSurviveARoundTrip) {
  IMCC_ASSERT_OK_AND_ASSIGN(Module m, ParseModule(kText));
  IMCC_ASSERT_OK_AND_ASSIGN(Module plugin_side,
                            DeserializeModule(SerializeModule(m, WeightMode::kReference)));
  const Value& w = plugin_side.graph().value(plugin_side.graph().FindValue("w"));
  ASSERT_NE(w.data, nullptr);
  EXPECT_TRUE(w.data->is_reference);
  EXPECT_EQ(w.data->reference_size, 24);
  WeightStore store;
  CollectWeights(m, store);
  IMCC_ASSERT_OK_AND_ASSIGN(Module back, DeserializeModule(SerializeModule(plugin_side), &store));
  EXPECT_TRUE(back.StructurallyEqual(m));
}

TEST(SerializeTest, GarbageIsDataLoss) {
  EXPECT_THAT(DeserializeModule("\xff\xff\xff garbage"),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("not a serialised imcc module")));
}

TEST(SerializeTest, WrongFormatTagIsDataLoss) {
  // An empty message parses but carries no format tag.
  EXPECT_THAT(DeserializeModule(""),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("expected 'imcc.ir.v1'")));
}

TEST(SerializeTest, ValuesAddedAfterNodesSerialiseCanonically) {
  IMCC_ASSERT_OK_AND_ASSIGN(Module m, ParseModule(kText));
  TensorType t;
  t.shape = {1};
  IMCC_ASSERT_OK(m.graph().AddWeight("late", t, nullptr).status());
  IMCC_ASSERT_OK_AND_ASSIGN(Module back, DeserializeModule(SerializeModule(m)));
  EXPECT_EQ(PrintModule(back), PrintModule(m));
}

}  // namespace
}  // namespace imcc::ir
