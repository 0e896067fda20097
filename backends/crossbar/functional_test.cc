#include "backends/crossbar/functional.h"

#include <cstdlib>
#include <random>

#include "frontends/onnx/onnx_importer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hwmodels/hardware.h"
#include "ir/support/status_matchers.h"
#include "ir/verifier.h"

namespace imcc::crossbar {
namespace {

using ::imcc::testing::IsOk;

ir::Module TinyCnn() {
  return *frontends::ImportOnnxFile(std::string(std::getenv("TEST_SRCDIR")) +
                                    "/imcc/testdata/models/tiny/tiny_cnn.onnx");
}

std::vector<ir::HostTensor> RandomInput(const ir::Module& m, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> dist(0.0, 1.0);
  std::vector<ir::HostTensor> in;
  for (ir::ValueId id : m.graph().inputs()) {
    const ir::TensorType& t = m.graph().value(id).type;
    std::vector<double> v(t.num_elements());
    for (double& x : v) x = dist(rng);
    in.push_back(ir::MakeHostTensor(t, std::move(v)));
  }
  return in;
}

hw::Array Lossless(hw::Array a) {
  a.set_adc_bits(LosslessAdcBits(a));
  return a;
}

TEST(FunctionalTest, QuantisedModelVerifies) {
  ir::Module m = TinyCnn();
  IMCC_ASSERT_OK_AND_ASSIGN(ir::Module q, QuantizeForCrossbar(m, RandomInput(m, 1),
                                                              hw::LoadTarget("isaac")->chip().core().array()));
  EXPECT_THAT(ir::VerifyModule(q), IsOk());
}

TEST(FunctionalTest, LosslessAdcMatchesQuantisedReferenceBitForBitOnEveryPreset) {
  ir::Module m = TinyCnn();
  const std::vector<ir::HostTensor> x = RandomInput(m, 7);
  for (const char* target : {"isaac", "puma", "jia21", "jain21", "pimcomp-default", "compass-s", "prime"}) {
    const hw::Array a = Lossless(hw::LoadTarget(target)->chip().core().array());
    IMCC_ASSERT_OK_AND_ASSIGN(ir::Module q, QuantizeForCrossbar(m, x, a));
    IMCC_ASSERT_OK_AND_ASSIGN(std::vector<ir::HostTensor> ref, ir::Interpret(q, x));
    // The slice-by-slice model, not the exact shortcut.
    IMCC_ASSERT_OK_AND_ASSIGN(FunctionalResult xb, RunOnCrossbars(q, a, x, {.bit_level = true}));
    EXPECT_EQ(xb.exact_layers, 0) << target;
    EXPECT_EQ(xb.adc_saturations, 0) << target;
    EXPECT_GT(xb.adc_conversions, 0) << target;
    EXPECT_EQ(MaxAbsDiff(xb.outputs, ref), 0.0) << target;
    ASSERT_EQ(xb.outputs[0].data.size(), ref[0].data.size());
    for (size_t i = 0; i < ref[0].data.size(); ++i) EXPECT_EQ(xb.outputs[0].data[i], ref[0].data[i]) << target;
  }
}

TEST(FunctionalTest, ExactPathEqualsTheBitLevelModelWhenTheAdcIsLossless) {
  ir::Module m = TinyCnn();
  const std::vector<ir::HostTensor> x = RandomInput(m, 11);
  for (const char* target : {"isaac", "jain21", "compass-s"}) {
    const hw::Array a = Lossless(hw::LoadTarget(target)->chip().core().array());
    IMCC_ASSERT_OK_AND_ASSIGN(ir::Module q, QuantizeForCrossbar(m, x, a));
    IMCC_ASSERT_OK_AND_ASSIGN(FunctionalResult bits, RunOnCrossbars(q, a, x, {.bit_level = true}));
    IMCC_ASSERT_OK_AND_ASSIGN(FunctionalResult fast, RunOnCrossbars(q, a, x));
    EXPECT_GT(fast.exact_layers, 0) << target;
    EXPECT_EQ(fast.adc_conversions, bits.adc_conversions) << target;
    EXPECT_EQ(fast.adc_saturations, 0) << target;
    ASSERT_EQ(fast.outputs[0].data.size(), bits.outputs[0].data.size());
    for (size_t i = 0; i < bits.outputs[0].data.size(); ++i) {
      EXPECT_EQ(fast.outputs[0].data[i], bits.outputs[0].data[i]) << target;
    }
  }
}

TEST(FunctionalTest, QuantisationErrorAgainstFp32IsSmallAt8Bits) {
  ir::Module m = TinyCnn();
  const std::vector<ir::HostTensor> x = RandomInput(m, 3);
  const hw::Array a = Lossless(hw::LoadTarget("jain21")->chip().core().array());  // 8-bit weights and inputs
  IMCC_ASSERT_OK_AND_ASSIGN(ir::Module q, QuantizeForCrossbar(m, x, a));
  IMCC_ASSERT_OK_AND_ASSIGN(std::vector<ir::HostTensor> fp, ir::Interpret(m, x));
  IMCC_ASSERT_OK_AND_ASSIGN(FunctionalResult xb, RunOnCrossbars(q, a, x));
  double range = 0;
  for (double v : fp[0].data) range = std::max(range, std::fabs(v));
  EXPECT_LT(MaxAbsDiff(xb.outputs, fp), 0.05 * range);
}

TEST(FunctionalTest, NarrowAdcSaturatesAndIsReported) {
  ir::Module m = TinyCnn();
  const std::vector<ir::HostTensor> x = RandomInput(m, 5);
  hw::Array a = hw::LoadTarget("isaac")->chip().core().array();
  a.set_adc_bits(3);  // far below the 9 bits 128 rows of 2-bit cells need
  IMCC_ASSERT_OK_AND_ASSIGN(ir::Module q, QuantizeForCrossbar(m, x, a));
  IMCC_ASSERT_OK_AND_ASSIGN(std::vector<ir::HostTensor> ref, ir::Interpret(q, x));
  IMCC_ASSERT_OK_AND_ASSIGN(FunctionalResult xb, RunOnCrossbars(q, a, x));
  EXPECT_EQ(xb.exact_layers, 0);  // a narrow ADC never takes the shortcut
  EXPECT_GT(xb.adc_saturations, 0);
  EXPECT_GT(MaxAbsDiff(xb.outputs, ref), 0.0);
}

}  // namespace
}  // namespace imcc::crossbar
