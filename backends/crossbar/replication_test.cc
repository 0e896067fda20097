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
  // 1 array per replica, 4 arrays per core: each replica post-processes
  // its own share on its core, so the first core does 4 shares of r.
  const StageCost s{"v", 1, 1000, 0.1, 100.0, 4};
  EXPECT_DOUBLE_EQ(StageTime(s, 1), 100.0);
  EXPECT_DOUBLE_EQ(StageTime(s, 4), 100.0);
  EXPECT_DOUBLE_EQ(StageTime(s, 5), 80.0);
  EXPECT_DOUBLE_EQ(StageTime(s, 8), 50.0);
}

TEST(ReplicationTest, BalancingFollowsTheCumulativeStride) {
  // CIM-MLC balances an element pipeline by cumulative stride: a layer
  // whose outputs are s^2 times as many as the last layer's must run s^2
  // times as many MVMs per final output. Three convolutions with stride-2
  // steps between them (28x28, 14x14, 7x7 outputs) and the same MVM cost
  // get replicas in the ratio 16 : 4 : 1.
  const std::vector<StageCost> chain = {{"c1", 1, 28 * 28, 1.0}, {"c2", 1, 14 * 14, 1.0}, {"c3", 1, 7 * 7, 1.0}};
  for (ReplicationStrategy st :
       {ReplicationStrategy::kBalance, ReplicationStrategy::kDp, ReplicationStrategy::kOptimal}) {
    IMCC_ASSERT_OK_AND_ASSIGN(Replication r, Replicate(chain, 21, st));
    EXPECT_THAT(r.replicas, ElementsAre(16, 4, 1)) << StrategyName(st);
    EXPECT_DOUBLE_EQ(r.bottleneck_ns, 49) << StrategyName(st);
  }
}

TEST(ReplicationTest, FootprintRoundsToWholeCoresWhenLayersOwnCores) {
  const StageCost s{"b", 3, 10, 1.0};
  EXPECT_EQ(Footprint(s, 1, 0), 3);
  EXPECT_EQ(Footprint(s, 3, 0), 9);
  EXPECT_EQ(Footprint(s, 1, 4), 4);
  EXPECT_EQ(Footprint(s, 3, 4), 12);
}

TEST(ReplicationTest, LayersOwningCoresDuplicateIntoTheirSpareCrossbars) {
  // 4 arrays per core, 3 cores. A (1 array) and B (2 arrays) each own a
  // core; with no more cores to give, the spare crossbars of each core
  // take replicas: A x4, B x2.
  for (ReplicationStrategy st :
       {ReplicationStrategy::kBalance, ReplicationStrategy::kDp, ReplicationStrategy::kOptimal}) {
    IMCC_ASSERT_OK_AND_ASSIGN(Replication r, Replicate(Small(), 8, st, 4));
    EXPECT_THAT(r.replicas, ElementsAre(4, 2)) << StrategyName(st);
    EXPECT_EQ(r.footprint, 8) << StrategyName(st);
    EXPECT_EQ(r.arrays_used, 8) << StrategyName(st);
  }
  // none keeps one copy in each owned core.
  IMCC_ASSERT_OK_AND_ASSIGN(Replication none, Replicate(Small(), 8, ReplicationStrategy::kNone, 4));
  EXPECT_THAT(none.replicas, ElementsAre(1, 1));
  EXPECT_EQ(none.footprint, 8);
  EXPECT_EQ(none.arrays_used, 3);
}

TEST(ReplicationTest, OptimalGivesTheThirdCoreToTheBottleneck) {
  // 12 crossbars = 3 cores of 4: A x4 (2 ns) and B x2 (2 ns) on one core
  // each; the third core goes to either, the bottleneck stays 2 ns, and
  // the extra core must not raise anything.
  IMCC_ASSERT_OK_AND_ASSIGN(Replication r, Replicate(Small(), 12, ReplicationStrategy::kOptimal, 4));
  EXPECT_DOUBLE_EQ(r.bottleneck_ns, 2);
  EXPECT_LE(r.footprint, 12);
  const std::vector<StageCost> heavy = {{"a", 1, 8, 1.0}, {"b", 2, 16, 1.0}};
  IMCC_ASSERT_OK_AND_ASSIGN(Replication h, Replicate(heavy, 12, ReplicationStrategy::kOptimal, 4));
  EXPECT_THAT(h.replicas, ElementsAre(4, 4));  // B takes two cores
  EXPECT_DOUBLE_EQ(h.bottleneck_ns, 4);
}

TEST(ReplicationTest, TooFewCoresForOneLayerEachIsResourceExhausted) {
  EXPECT_THAT(Replicate(Small(), 4, ReplicationStrategy::kBalance, 4),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       HasSubstr("needs 2 whole cores for one copy of its weights with one layer per core, "
                                 "the chip has 1")));
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

TEST(ReplicationTest, DpSpareCrossbarsShortenStagesOrStayEmpty) {
  // A (1 array, 8 MVMs), B (2 arrays, 4 MVMs), C (1 array, 1 MVM); 10
  // arrays. The best bottleneck is 2 ns (A x4, B x2); 2 arrays are left.
  const std::vector<StageCost> s = {{"a", 1, 8, 1.0}, {"b", 2, 4, 1.0}, {"c", 1, 2, 1.0}};
  IMCC_ASSERT_OK_AND_ASSIGN(Replication shorten,
                            Replicate(s, 10, ReplicationStrategy::kDp, 0, SpareCrossbars::kShortenStages));
  IMCC_ASSERT_OK_AND_ASSIGN(Replication empty,
                            Replicate(s, 10, ReplicationStrategy::kDp, 0, SpareCrossbars::kLeaveEmpty));
  EXPECT_DOUBLE_EQ(shorten.bottleneck_ns, 2);
  EXPECT_DOUBLE_EQ(empty.bottleneck_ns, 2);
  EXPECT_THAT(empty.replicas, ElementsAre(4, 2, 1));  // the fewest that reach it
  EXPECT_EQ(empty.arrays_used, 9);
  EXPECT_LT(shorten.latency_ns, empty.latency_ns);  // C x2 shortens the pipeline
  // optimal spends them either way.
  IMCC_ASSERT_OK_AND_ASSIGN(Replication opt,
                            Replicate(s, 10, ReplicationStrategy::kOptimal, 0, SpareCrossbars::kLeaveEmpty));
  EXPECT_DOUBLE_EQ(opt.latency_ns, shorten.latency_ns);
}

TEST(ReplicationTest, OrderingHoldsWhenLayersOwnCores) {
  IMCC_ASSERT_OK_AND_ASSIGN(
      ir::Module m, frontends::ImportOnnxFile(std::string(std::getenv("TEST_SRCDIR")) +
                                              "/imcc/testdata/models/resnet18.onnx"));
  const hw::HardwareDescription hw = *hw::LoadTarget("isaac");
  const hw::Array& a = hw.chip().core().array();
  const int64_t per_core = hw.chip().core().arrays();
  std::vector<StageCost> stages;
  for (const MvmLayer& l : ExtractMvmLayers(m)) {
    const Tiling t = TileLayer(l, a);
    // Some vector work per layer, so the core term matters too.
    stages.push_back({l.name, t.arrays, l.mvms, hw::MvmCost(a, std::min<int64_t>(l.rows, a.rows()), 1).latency_ns,
                      static_cast<double>(l.mvms) * 50.0, per_core});
  }
  const int64_t budget = hw.chip().cores_x() * hw.chip().cores_y() * per_core;
  std::vector<double> b;
  for (ReplicationStrategy s : {ReplicationStrategy::kOptimal, ReplicationStrategy::kDp,
                                ReplicationStrategy::kBalance, ReplicationStrategy::kNone}) {
    IMCC_ASSERT_OK_AND_ASSIGN(Replication r, Replicate(stages, budget, s, per_core));
    EXPECT_LE(r.footprint, budget) << StrategyName(s);
    b.push_back(r.bottleneck_ns);
  }
  EXPECT_LE(b[0], b[1]);  // optimal <= dp
  EXPECT_LE(b[1], b[2]);  // dp <= balance
  EXPECT_LT(b[2], b[3]);  // balance < none
}

}  // namespace
}  // namespace imcc::crossbar
