#include "hwmodels/lower_bound.h"

#include "gtest/gtest.h"
#include "hwmodels/hardware.h"

namespace imcc::hw {
namespace {

TEST(LowerBoundTest, IsaacPeakMacRate) {
  const HardwareDescription hw = *LoadTarget("isaac");
  // 16128 arrays x 128 rows x 16 weight columns per 16 x 100 ns.
  EXPECT_DOUBLE_EQ(PeakMacsPerNs(hw), 16128.0 * 128 * 16 / 1600);
}

TEST(LowerBoundTest, TakesTheLargestTerm) {
  const HardwareDescription hw = *LoadTarget("compass-s");
  Workload w;
  w.macs = 1e9;
  w.dram_bytes = 25.6e6;  // 1 ms at 25.6 GB/s
  const WorkloadBound b = WorkloadLowerBound(hw, w);
  ASSERT_EQ(b.terms.size(), 2u);
  const double compute = 1e9 / PeakMacsPerNs(hw);
  EXPECT_DOUBLE_EQ(b.terms[0].ns, compute);
  EXPECT_DOUBLE_EQ(b.terms[1].ns, 1e6);
  EXPECT_DOUBLE_EQ(b.ns, std::max(compute, 1e6));
  EXPECT_EQ(b.binding, compute > 1e6 ? "compute" : "dram");
}

TEST(LowerBoundTest, NdpSystemBoundByDimmBandwidth) {
  const HardwareDescription hw = *LoadTarget("hermes-4090-8dimm");
  Workload w;
  w.ndp_bytes = 8 * 102.4e3;  // 1 us across 8 DIMMs
  w.ndp_flops = 1e3;
  const WorkloadBound b = WorkloadLowerBound(hw, w);
  EXPECT_EQ(b.binding, "ndp-memory");
  EXPECT_DOUBLE_EQ(b.ns, 1000);
}

}  // namespace
}  // namespace imcc::hw
