#include "backends/crossbar/partition_cost.h"

#include <cstdlib>

#include "frontends/onnx/onnx_importer.h"
#include "gtest/gtest.h"
#include "hwmodels/hardware.h"
#include "ir/support/status_matchers.h"

namespace imcc::crossbar {
namespace {

ir::Module Model(const std::string& name) {
  return *frontends::ImportOnnxFile(std::string(std::getenv("TEST_SRCDIR")) + "/imcc/testdata/models/" + name +
                                    ".onnx");
}

TEST(PartitionCostTest, LayersLargerThanTheChipSplitIntoColumnGroups) {
  // layer4's 3x3x512x512 convolutions need 144 arrays; compass-s has 64, so
  // each of the three becomes 3 units of 48 arrays, and the 3x3x256x512 one
  // (72 arrays) becomes 2 units of 36.
  const ir::Module m = Model("resnet18");
  IMCC_ASSERT_OK_AND_ASSIGN(auto model, MakePartitionModel(m, *hw::LoadTarget("compass-s"), 16));
  EXPECT_EQ(model->num_units, 21 + 3 * 2 + 1);
  for (int u = 0; u < model->num_units; ++u) EXPECT_TRUE(model->cost(u, u + 1).fits) << model->names[u];
  IMCC_ASSERT_OK_AND_ASSIGN(partition::Partition dp,
                            partition::PartitionUnits(model->num_units, model->cost, partition::Method::kDp,
                                                      partition::Objective::kThroughput));
  EXPECT_GT(dp.starts.size(), 3u);
}

TEST(PartitionCostTest, Resnet18OnCompassMNeedsSeveralSegments) {
  const ir::Module m = Model("resnet18");
  IMCC_ASSERT_OK_AND_ASSIGN(auto model, MakePartitionModel(m, *hw::LoadTarget("compass-m"), 16));
  EXPECT_EQ(model->num_units, 21);  // every layer fits compass-m's 256 arrays alone
  EXPECT_FALSE(model->cost(0, model->num_units).fits);  // the whole model does not fit
  EXPECT_TRUE(model->cost(0, 1).fits);
  IMCC_ASSERT_OK_AND_ASSIGN(partition::Partition greedy,
                            partition::PartitionUnits(model->num_units, model->cost, partition::Method::kGreedy,
                                                      partition::Objective::kThroughput));
  IMCC_ASSERT_OK_AND_ASSIGN(partition::Partition dp,
                            partition::PartitionUnits(model->num_units, model->cost, partition::Method::kDp,
                                                      partition::Objective::kThroughput));
  EXPECT_GT(greedy.starts.size(), 1u);
  EXPECT_LE(dp.time_ns, greedy.time_ns);
}

TEST(PartitionCostTest, WeightReplacementAndSpillsCost) {
  const ir::Module m = Model("resnet18");
  IMCC_ASSERT_OK_AND_ASSIGN(auto model, MakePartitionModel(m, *hw::LoadTarget("compass-l"), 1));
  // Two segments cost more than the one they split (reprogramming, spills).
  const partition::SegmentCost whole = model->cost(0, 4);
  const partition::SegmentCost a = model->cost(0, 2), b = model->cost(2, 4);
  ASSERT_TRUE(whole.fits && a.fits && b.fits);
  EXPECT_GT(a.energy_pj + b.energy_pj, whole.energy_pj);
}

}  // namespace
}  // namespace imcc::crossbar
