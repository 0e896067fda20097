#include "passes/partition/partitioner.h"

#include <random>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ir/support/status_matchers.h"

namespace imcc::partition {
namespace {

using ::imcc::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Units with sizes; a segment fits when its sizes sum to <= capacity. A
// segment costs a fixed reprogramming time plus its own work, so merging
// pays until the chip is full.
struct Toy {
  std::vector<int> size;
  std::vector<double> work;
  int capacity;
  double reprogram = 10;
  SegmentCostFn Fn() const {
    return [this](int b, int e) {
      SegmentCost c;
      int s = 0;
      double w = 0;
      for (int u = b; u < e; ++u) {
        s += size[u];
        w = std::max(w, work[u]);  // pipelined: the slowest unit
      }
      c.fits = s <= capacity;
      c.time_ns = reprogram + w * 4;
      c.energy_pj = reprogram + s;
      return c;
    };
  }
};

TEST(PartitionerTest, LayerwiseAndGreedyBaselines) {
  Toy t{{3, 3, 3, 3}, {1, 1, 1, 1}, 6};
  IMCC_ASSERT_OK_AND_ASSIGN(Partition lw, PartitionUnits(4, t.Fn(), Method::kLayerwise, Objective::kLatency));
  EXPECT_THAT(lw.starts, ElementsAre(0, 1, 2, 3));
  IMCC_ASSERT_OK_AND_ASSIGN(Partition gr, PartitionUnits(4, t.Fn(), Method::kGreedy, Objective::kLatency));
  EXPECT_THAT(gr.starts, ElementsAre(0, 2));
  EXPECT_DOUBLE_EQ(gr.time_ns, 2 * (10 + 4));
}

TEST(PartitionerTest, DpBeatsGreedyWhenGreedyCutsBadly) {
  // Greedy packs {5,1} then {5,1}... a slow unit ends up beside another.
  Toy t{{4, 2, 4, 2}, {1, 9, 9, 1}, 6};
  IMCC_ASSERT_OK_AND_ASSIGN(Partition gr, PartitionUnits(4, t.Fn(), Method::kGreedy, Objective::kLatency));
  IMCC_ASSERT_OK_AND_ASSIGN(Partition dp, PartitionUnits(4, t.Fn(), Method::kDp, Objective::kLatency));
  EXPECT_LE(dp.time_ns, gr.time_ns);
  // Exact: no partition beats dp. Enumerate all 2^3 cut sets.
  for (int mask = 0; mask < 8; ++mask) {
    std::vector<int> starts = {0};
    for (int k = 0; k < 3; ++k) {
      if (mask & (1 << k)) starts.push_back(k + 1);
    }
    double time = 0;
    bool fits = true;
    for (size_t i = 0; i < starts.size(); ++i) {
      const SegmentCost c = t.Fn()(starts[i], i + 1 < starts.size() ? starts[i + 1] : 4);
      fits &= c.fits;
      time += c.time_ns;
    }
    if (fits) EXPECT_LE(dp.time_ns, time) << mask;
  }
}

TEST(PartitionerTest, EdpDpIsExactOverTheParetoFront) {
  std::mt19937 rng(3);
  Toy t;
  for (int u = 0; u < 10; ++u) {
    t.size.push_back(1 + rng() % 4);
    t.work.push_back(1 + rng() % 7);
  }
  t.capacity = 8;
  IMCC_ASSERT_OK_AND_ASSIGN(Partition dp, PartitionUnits(10, t.Fn(), Method::kDp, Objective::kEdp));
  for (int mask = 0; mask < (1 << 9); ++mask) {
    std::vector<int> starts = {0};
    for (int k = 0; k < 9; ++k) {
      if (mask & (1 << k)) starts.push_back(k + 1);
    }
    double time = 0, energy = 0;
    bool fits = true;
    for (size_t i = 0; i < starts.size(); ++i) {
      const SegmentCost c = t.Fn()(starts[i], i + 1 < starts.size() ? starts[i + 1] : 10);
      fits &= c.fits;
      time += c.time_ns;
      energy += c.energy_pj;
    }
    if (fits) EXPECT_LE(dp.objective, time * energy + 1e-9) << mask;
  }
}

TEST(PartitionerTest, GaIsWithinTwoPercentOfDpAndDeterministic) {
  std::mt19937 rng(11);
  Toy t;
  for (int u = 0; u < 40; ++u) {
    t.size.push_back(1 + rng() % 5);
    t.work.push_back(1 + rng() % 9);
  }
  t.capacity = 12;
  for (Objective o : {Objective::kLatency, Objective::kEnergy, Objective::kEdp}) {
    IMCC_ASSERT_OK_AND_ASSIGN(Partition dp, PartitionUnits(40, t.Fn(), Method::kDp, o));
    IMCC_ASSERT_OK_AND_ASSIGN(Partition ga, PartitionUnits(40, t.Fn(), Method::kGa, o));
    IMCC_ASSERT_OK_AND_ASSIGN(Partition ga2, PartitionUnits(40, t.Fn(), Method::kGa, o));
    EXPECT_LE(ga.objective, dp.objective * 1.02) << ObjectiveName(o);
    EXPECT_GE(ga.objective, dp.objective * (1 - 1e-12)) << ObjectiveName(o);
    EXPECT_EQ(ga.starts, ga2.starts);
  }
}

TEST(PartitionerTest, UnitLargerThanChipIsResourceExhausted) {
  Toy t{{3, 9, 3}, {1, 1, 1}, 6};
  EXPECT_THAT(PartitionUnits(3, t.Fn(), Method::kDp, Objective::kLatency),
              StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("unit 1 alone does not fit the chip")));
}

TEST(PartitionerTest, NamesRoundTrip) {
  for (const char* m : {"layerwise", "greedy", "dp", "ga"}) EXPECT_EQ(MethodName(*MethodFromName(m)), m);
  for (const char* o : {"latency", "throughput", "energy", "edp"}) EXPECT_EQ(ObjectiveName(*ObjectiveFromName(o)), o);
  EXPECT_FALSE(MethodFromName("auto").has_value());
}

}  // namespace
}  // namespace imcc::partition
