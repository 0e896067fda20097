// Each cost primitive against a hand computation (shown in the comments).
#include "hwmodels/cost.h"

#include "gtest/gtest.h"
#include "hwmodels/hardware.h"

namespace imcc::hw {
namespace {

HardwareDescription Load(const char* name) { return *LoadTarget(name); }

TEST(CostTest, IsaacFullCrossbarMvm) {
  const Array a = Load("isaac").chip().core().array();
  // 16-bit weights on 2-bit cells: 8 columns each, 128 / 8 = 16 per array.
  EXPECT_EQ(WeightColumnsPerArray(a), 16);
  const MvmShape s = MvmShapeOf(a, 128, 16);
  EXPECT_EQ(s.input_slices, 16);  // 16-bit inputs through 1-bit DACs
  EXPECT_EQ(s.row_groups, 1);
  EXPECT_EQ(s.physical_cols, 128);
  const Cost c = MvmCost(a, 128, 16);
  // One ADC converts 128 columns at 1.28 GS/s = 100 ns = the read: step 100,
  // 16 steps + 100 ns pipeline fill.
  EXPECT_DOUBLE_EQ(c.latency_ns, 1700);
  // DAC 16*128*0.39 + read 16*30 + ADC and S+A 16*128*(1.5625+0.042).
  EXPECT_NEAR(c.energy_pj, 798.72 + 480 + 3286.016, 1e-9);
}

TEST(CostTest, WordlineLimitSerialisesRowGroups) {
  const Array a = Load("jain21").chip().core().array();
  const MvmShape s = MvmShapeOf(a, 256, 8);
  EXPECT_EQ(s.row_groups, 8);     // 256 rows, 32 active at a time
  EXPECT_EQ(s.activations, 64);   // x 8 input bit slices
  // step = max(10 ns read, 64 cols / 64 ADCs / 0.1 GS/s = 10 ns): 64 * 10 + 10.
  EXPECT_DOUBLE_EQ(MvmCost(a, 256, 8).latency_ns, 650);
}

TEST(CostTest, AdcSharingLengthensTheStep) {
  Array a = Load("isaac").chip().core().array();
  a.set_adcs_per_array(1);
  a.set_adc_sample_rate_gsps(0.64);  // half speed: 128 conversions take 200 ns
  EXPECT_DOUBLE_EQ(MvmCost(a, 128, 16).latency_ns, 16 * 200 + 100);
}

TEST(CostTest, ArrayWrite) {
  const Array a = Load("compass-s").chip().core().array();
  const Cost c = ArrayWriteCost(a, 256);
  EXPECT_DOUBLE_EQ(c.latency_ns, 256);
  EXPECT_DOUBLE_EQ(c.energy_pj, 256 * 12.8);
}

TEST(CostTest, VectorOpsRoundUpToWidth) {
  const Chip chip = Load("pimcomp-default").chip();
  // 100 elements / width 32 = 4 ops x 4 cycles at 1 GHz.
  const Cost c = VectorCost(chip.core().vector_unit(), chip.clock_mhz(), 100);
  EXPECT_DOUBLE_EQ(c.latency_ns, 16);
  EXPECT_DOUBLE_EQ(c.energy_pj, 4 * 3.2);
}

TEST(CostTest, TransferIsLatencyPlusSize) {
  const Cost c = TransferCost(25.6, 50, 15, 1000);
  EXPECT_DOUBLE_EQ(c.latency_ns, 50 + 1000 / 25.6);
  EXPECT_DOUBLE_EQ(c.energy_pj, 8 * 1000 * 15);
  EXPECT_DOUBLE_EQ(TransferCost(25.6, 50, 15, 0).latency_ns, 0);
}

TEST(CostTest, BufferReadAndWriteUseTheirLatencies) {
  const Buffer b = Load("pimcomp-default").chip().global_buffer();
  EXPECT_DOUBLE_EQ(BufferReadCost(b, 640).latency_ns, 40 + 10);
  EXPECT_DOUBLE_EQ(BufferWriteCost(b, 640).latency_ns, 50 + 10);
}

TEST(CostTest, DramStreamPaysFirstActivationOnly) {
  const ExternalMemory m = Load("compass-s").chip().external_memory();
  // 4 rows of 8 KB: (tRCD 22 + tCL 22) * 0.625 + 32768 / 25.6; a row's
  // burst (320 ns) hides tRC (46.25 ns), so later activations cost nothing.
  const Cost c = DramStreamCost(m, 4 * 8192);
  EXPECT_DOUBLE_EQ(c.latency_ns, 27.5 + 1280);
  EXPECT_DOUBLE_EQ(c.energy_pj, 8.0 * 32768 * 15);
}

TEST(CostTest, DramStreamExposesActivationsWhenRowsAreShort) {
  ExternalMemory m = Load("compass-s").chip().external_memory();
  m.mutable_timing()->set_row_buffer_bytes(512);  // burst 20 ns < tRC 46.25 ns
  const Cost c = DramStreamCost(m, 2048);         // 4 rows
  EXPECT_DOUBLE_EQ(c.latency_ns, 27.5 + 80 + 3 * (46.25 - 20));
}

TEST(CostTest, DramRandomPaysAMissPerAccess) {
  const ExternalMemory m = Load("compass-s").chip().external_memory();
  // (tRP + tRCD + tCL) * tCK = 66 * 0.625 = 41.25 ns, + 64 B / 25.6 = 2.5 ns.
  EXPECT_DOUBLE_EQ(DramRandomCost(m, 10, 64).latency_ns, 10 * 43.75);
}

TEST(CostTest, NocHopsPerTopology) {
  const Chip mesh = Load("compass-s").chip();  // 4 x 4 mesh
  EXPECT_EQ(NocHops(mesh, 0, 15), 6);
  EXPECT_EQ(NocHops(mesh, 5, 5), 0);
  const Chip cmesh = Load("isaac").chip();  // 14 wide, 4 cores per router
  EXPECT_EQ(NocHops(cmesh, 0, 3), 1);       // same router: one hop through it
  EXPECT_EQ(NocHops(cmesh, 0, 41), 5);      // router x 0 -> 3, y 0 -> 2
  const Chip bus = Load("pimcomp-default").chip();
  EXPECT_EQ(NocHops(bus, 0, 143), 1);
}

TEST(CostTest, NocTransfer) {
  const Noc noc = Load("compass-s").chip().noc();
  const Cost c = NocCost(noc, 2, 1600);
  EXPECT_DOUBLE_EQ(c.latency_ns, 2 * 1 + 1600 / 16.0);
  EXPECT_DOUBLE_EQ(c.energy_pj, 8 * 1600 * 2 * 0.1);
}

TEST(CostTest, PcieOneDirection) {
  const Link link = Load("hermes-4090-8dimm").system().link();
  EXPECT_DOUBLE_EQ(PcieCost(link, 1000000).latency_ns, 1000 + 1e6 / 32);
}

TEST(CostTest, GpuKernelIsARooflineWithLaunchOverhead) {
  const Gpu gpu = Load("hermes-4090-8dimm").system().gpu();
  // A 4096 x 4096 FP16 GEMV is memory bound: 32 MiB / 936 GB/s.
  const double bytes = 2.0 * 4096 * 4096, flops = 2.0 * 4096 * 4096;
  EXPECT_DOUBLE_EQ(GpuKernelCost(gpu, flops, bytes).latency_ns, 5000 + bytes / 936);
  // A big GEMM is compute bound: 2 * 4096^3 / 330 TFLOP/s.
  const double gemm = 2.0 * 4096 * 4096 * 4096;
  EXPECT_DOUBLE_EQ(GpuKernelCost(gpu, gemm, 3 * bytes).latency_ns, 5000 + gemm / 330e3);
}

TEST(CostTest, NdpGemvIsBoundByDimmBandwidth) {
  const NdpDimms d = Load("hermes-4090-8dimm").system().dimms();
  // 32 MiB / 102.4 GB/s = 327680 ns > 2 * 4096^2 / 256 GFLOP/s = 131072 ns.
  EXPECT_DOUBLE_EQ(NdpGemvCost(d, 4096, 4096).latency_ns, 327680);
}

}  // namespace
}  // namespace imcc::hw
