#include "passes/graph/fill_weights.h"

#include <cmath>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ir/interpreter.h"
#include "ir/parser.h"
#include "ir/support/status_matchers.h"
#include "passes/graph/register.h"
#include "passes/manager/test_util.h"

namespace imcc::passes {
namespace {

using ::imcc::testing::StatusIs;
using ::testing::HasSubstr;

constexpr absl::string_view kModule = R"(module @m {
  input %x : f32[1,3,4,4]
  weight %w : f32[8,3,3,3]
  weight %b : f32[8]
  weight %k : f32[2] = dense<"0000803f0000803f">
  %y = nn.conv(%x, %w, %b) {pads=[1,1,1,1]} : f32[1,8,4,4] @c
  %z = math.add(%y, %y) : f32[1,8,4,4] @a
  output %z
})";

std::vector<double> Values(const ir::Module& m, const char* name) {
  const ir::Value& v = m.graph().value(m.graph().FindValue(name));
  absl::StatusOr<ir::HostTensor> t = ir::DecodeWeight(v.type, *v.data);
  return t.ok() ? t->data : std::vector<double>{};
}

TEST(FillWeightsTest, FillsShapeOnlyWeightsWithinTheKaimingBound) {
  IMCC_ASSERT_OK_AND_ASSIGN(ir::Module m, ir::ParseModule(kModule));
  PassRegistry r;
  IMCC_ASSERT_OK(RegisterGraphPasses(r));
  IMCC_ASSERT_OK_AND_ASSIGN(PassResult res, RunSinglePass(r, "fill-weights{seed=7}", m));
  EXPECT_TRUE(res.changed);
  const std::vector<double> w = Values(m, "w");
  ASSERT_EQ(w.size(), 8u * 27u);
  const double bound = std::sqrt(6.0 / 27.0);
  double lo = 1, hi = -1;
  for (double v : w) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  EXPECT_GE(lo, -bound);
  EXPECT_LE(hi, bound);
  EXPECT_LT(lo, -bound / 2);  // spread over the range, not a constant
  EXPECT_GT(hi, bound / 2);
  for (double v : Values(m, "b")) EXPECT_LE(std::fabs(v), 0.1);
}

TEST(FillWeightsTest, KeepsWeightsThatHaveData) {
  IMCC_ASSERT_OK_AND_ASSIGN(ir::Module m, ir::ParseModule(kModule));
  IMCC_ASSERT_OK(FillShapeOnlyWeights(m.graph(), 7).status());
  EXPECT_THAT(Values(m, "k"), ::testing::ElementsAre(1.0, 1.0));
}

TEST(FillWeightsTest, SameSeedSameBytesOtherSeedOtherBytes) {
  IMCC_ASSERT_OK_AND_ASSIGN(ir::Module a, ir::ParseModule(kModule));
  IMCC_ASSERT_OK_AND_ASSIGN(ir::Module b, ir::ParseModule(kModule));
  IMCC_ASSERT_OK_AND_ASSIGN(ir::Module c, ir::ParseModule(kModule));
  IMCC_ASSERT_OK_AND_ASSIGN(int filled, FillShapeOnlyWeights(a.graph(), 7));
  EXPECT_EQ(filled, 2);
  IMCC_ASSERT_OK(FillShapeOnlyWeights(b.graph(), 7).status());
  IMCC_ASSERT_OK(FillShapeOnlyWeights(c.graph(), 8).status());
  EXPECT_TRUE(a.graph().StructurallyEqual(b.graph()));
  EXPECT_FALSE(a.graph().StructurallyEqual(c.graph()));
}

TEST(FillWeightsTest, NothingToFillIsUnchanged) {
  IMCC_ASSERT_OK_AND_ASSIGN(ir::Module m, ir::ParseModule(kModule));
  IMCC_ASSERT_OK(FillShapeOnlyWeights(m.graph(), 1).status());
  PassRegistry r;
  IMCC_ASSERT_OK(RegisterGraphPasses(r));
  IMCC_ASSERT_OK_AND_ASSIGN(PassResult res, RunSinglePass(r, "fill-weights", m));
  EXPECT_FALSE(res.changed);
}

TEST(FillWeightsTest, ShapeOnlyIntegerWeightIsInvalidArgument) {
  IMCC_ASSERT_OK_AND_ASSIGN(ir::Module m, ir::ParseModule(R"(module @m {
  input %x : f32[2]
  weight %s : i64[1]
  %y = tensor.reshape(%x, %s) : f32[2] @r
  output %y
})"));
  EXPECT_THAT(FillShapeOnlyWeights(m.graph(), 1),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("weight 's' of type i64 has no data, and only float weights can be synthesised")));
}

}  // namespace
}  // namespace imcc::passes
