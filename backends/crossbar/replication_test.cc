#include "backends/crossbar/replication.h"

#include <cstdlib>

#include "backends/crossbar/layer_matrix.h"
#include "frontends/onnx/onnx_importer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hwmodels/cost.h"
#include "hwmodels/hardware.h"
#include "ir/support/status_matchers.h"

namespace imcc::crossbar {
namespace {

using ::imcc::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A: 1 array, 8 MVMs; B: 2 arrays, 4 MVMs; 1 ns per MVM; 7 arrays.
std::vector<StageCost> Small() { return {{"a", 1, 8, 1.0}, {"b", 2, 4, 1.0}}; }

TEST(ReplicationTest, NoneKeepsOneCopy) {
  IMCC_ASSERT_OK_AND_ASSIGN(Replication r, Replicate(Small(), 7, ReplicationStrategy::kNone));
  EXPECT_THAT(r.replicas, ElementsAre(1, 1));
  EXPECT_DOUBLE_EQ(r.bottleneck_ns, 8);
  EXPECT_EQ(r.bottleneck_stage, "a");
}

TEST(ReplicationTest, UniformCopiesEverythingAlike) {
  IMCC_ASSERT_OK_AND_ASSIGN(Replication r, Replicate(Small(), 7, ReplicationStrategy::kUniform));
  EXPECT_THAT(r.replicas, ElementsAre(2, 2));
  EXPECT_DOUBLE_EQ(r.bottleneck_ns, 4);
  EXPECT_EQ(r.arrays_used, 6);
}

TEST(ReplicationTest, BalanceFeedsTheBottleneck) {
  IMCC_ASSERT_OK_AND_ASSIGN(Replication r, Replicate(Small(), 7, ReplicationStrategy::kBalance));
  EXPECT_THAT(r.replicas, ElementsAre(3, 2));
  EXPECT_DOUBLE_EQ(r.bottleneck_ns, 3);
  EXPECT_EQ(r.arrays_used, 7);
}

TEST(ReplicationTest, DpMinimisesTheBottleneckThenTheSum) {
  IMCC_ASSERT_OK_AND_ASSIGN(Replication r, Replicate(Small(), 7, ReplicationStrategy::kDp));
  EXPECT_THAT(r.replicas, ElementsAre(3, 2));
  EXPECT_DOUBLE_EQ(r.bottleneck_ns, 3);
  EXPECT_DOUBLE_EQ(r.latency_ns, 3 + 2);
}

TEST(ReplicationTest, VectorWorkSpreadsOverTheReplicasCores) {
  // 1 array per replica, 4 arrays per core: the attached 100 ns of vector
  // work halves when the replicas reach a second core (r = 5).
  const StageCost s{"v", 1, 1000, 0.1, 100.0, 4};
  EXPECT_DOUBLE_EQ(StageTime(s, 1), 100.0);
  EXPECT_DOUBLE_EQ(StageTime(s, 4), 100.0);
  EXPECT_DOUBLE_EQ(StageTime(s, 5), 50.0);
}

TEST(ReplicationTest, OptimalMinimisesTheBottleneck) {
  IMCC_ASSERT_OK_AND_ASSIGN(Replication r, Replicate(Small(), 7, ReplicationStrategy::kOptimal));
  EXPECT_DOUBLE_EQ(r.bottleneck_ns, 3);
  IMCC_ASSERT_OK_AND_ASSIGN(Replication big, Replicate(Small(), 8, ReplicationStrategy::kOptimal));
  EXPECT_DOUBLE_EQ(big.bottleneck_ns, 2);  // A x4, B x2 = 8 arrays
}

TEST(ReplicationTest, TooSmallChipIsResourceExhausted) {
  EXPECT_THAT(Replicate(Small(), 2, ReplicationStrategy::kNone),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       HasSubstr("needs 3 crossbars for one copy of its weights, the chip has 2")));
}

TEST(ReplicationTest, StrategyNamesRoundTrip) {
  for (const char* name : {"none", "uniform", "balance", "dp", "optimal"}) {
    ASSERT_TRUE(StrategyFromName(name).has_value()) << name;
    EXPECT_EQ(StrategyName(*StrategyFromName(name)), name);
  }
  EXPECT_FALSE(StrategyFromName("greedy").has_value());
}

TEST(ReplicationTest, OptimalIsNeverWorseOnResnet18) {
  IMCC_ASSERT_OK_AND_ASSIGN(
      ir::Module m, frontends::ImportOnnxFile(std::string(std::getenv("TEST_SRCDIR")) +
                                              "/imcc/testdata/models/resnet18.onnx"));
  const hw::HardwareDescription hw = *hw::LoadTarget("pimcomp-default");
  const hw::Array& a = hw.chip().core().array();
  std::vector<StageCost> stages;
  for (const MvmLayer& l : ExtractMvmLayers(m)) {
    const Tiling t = TileLayer(l, a);
    stages.push_back({l.name, t.arrays, l.mvms,
                      hw::MvmCost(a, std::min<int64_t>(l.rows, a.rows()), 1).latency_ns});
  }
  const int64_t budget = 9216;
  std::vector<double> bottleneck;
  for (ReplicationStrategy s : {ReplicationStrategy::kOptimal, ReplicationStrategy::kBalance,
                                ReplicationStrategy::kUniform, ReplicationStrategy::kNone}) {
    IMCC_ASSERT_OK_AND_ASSIGN(Replication r, Replicate(stages, budget, s));
    EXPECT_LE(r.arrays_used, budget) << StrategyName(s);
    bottleneck.push_back(r.bottleneck_ns);
  }
  EXPECT_LE(bottleneck[0], bottleneck[1]);  // optimal <= balance
  EXPECT_LE(bottleneck[1], bottleneck[3]);  // balance <= none
  EXPECT_LE(bottleneck[2], bottleneck[3]);  // uniform <= none
  IMCC_ASSERT_OK_AND_ASSIGN(Replication dp, Replicate(stages, budget, ReplicationStrategy::kDp));
  IMCC_ASSERT_OK_AND_ASSIGN(Replication opt, Replicate(stages, budget, ReplicationStrategy::kOptimal));
  EXPECT_LE(opt.bottleneck_ns, dp.bottleneck_ns);   // optimal is exact
  EXPECT_LE(dp.bottleneck_ns, bottleneck[1]);       // dp <= balance
  EXPECT_LE(dp.arrays_used, budget);
}

}  // namespace
}  // namespace imcc::crossbar
