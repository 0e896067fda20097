#include "backends/crossbar/partitioned.h"

#include "backends/crossbar/functional.h"

#include <cstdlib>

#include "frontends/onnx/onnx_importer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hwmodels/hardware.h"
#include "ir/support/status_matchers.h"
#include "ir/interpreter.h"
#include "ir/parser.h"
#include "ir/verifier.h"
#include <cmath>

namespace imcc::crossbar {
namespace {

using ::imcc::testing::IsOk;
using ::imcc::testing::StatusIs;
using ::testing::HasSubstr;
using ir::TensorType;

ir::Module Model(const std::string& name) {
  return *frontends::ImportOnnxFile(std::string(std::getenv("TEST_SRCDIR")) + "/imcc/testdata/models/" + name +
                                    ".onnx");
}

double Metric(const hw::Report& r, const std::string& name) {
  for (const hw::Metric& m : r.metrics()) {
    if (m.name() == name) return m.value();
  }
  return -1;
}

TEST(PartitionedTest, SubModuleVerifies) {
  const ir::Module m = Model("resnet18");
  std::vector<int> first_half;
  for (int i = 0; i < m.graph().num_nodes() / 2; ++i) first_half.push_back(i);
  IMCC_ASSERT_OK_AND_ASSIGN(ir::Module sub, ExtractSubModule(m, first_half, "half"));
  EXPECT_THAT(ir::VerifyModule(sub), IsOk());
  EXPECT_EQ(sub.graph().num_nodes(), m.graph().num_nodes() / 2);
  EXPECT_FALSE(sub.graph().outputs().empty());
}

TEST(PartitionedTest, Resnet18OnCompassMRunsInPartitionsWithWeightReplacement) {
  const ir::Module m = Model("resnet18");
  const hw::HardwareDescription hwd = *hw::LoadTarget("compass-m");
  EXPECT_THAT(CompileWithPartitions(m, hwd, {}, {"none", "throughput"}),
              StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("the chip has 256")));
  IMCC_ASSERT_OK_AND_ASSIGN(Compiled c, CompileWithPartitions(m, hwd, {}, {"auto", "throughput"}));
  EXPECT_GT(c.program.partitions(), 1);
  EXPECT_EQ(c.program.partition_method(), "ga");
  EXPECT_GT(c.program.weight_write_bytes(), 0);
  IMCC_ASSERT_OK_AND_ASSIGN(hw::Report r, SimulateProgram(c, m, hwd));
  EXPECT_EQ(Metric(r, "partitions"), c.program.partitions());
  EXPECT_GT(Metric(r, "weight_replacement_ns"), 0);
  EXPECT_GT(Metric(r, "instructions/WRITE_XB"), 1);
  EXPECT_GE(r.latency_ns(), Metric(r, "weight_replacement_ns"));
}

TEST(PartitionedTest, DpAndGaBeatTheBaselinesInSimulation) {
  const ir::Module m = Model("resnet18");
  const hw::HardwareDescription hwd = *hw::LoadTarget("compass-m");
  CompileOptions o;
  o.schedule = "throughput";
  o.batch = 16;
  std::map<std::string, double> throughput;
  for (const char* method : {"layerwise", "greedy", "dp", "ga"}) {
    IMCC_ASSERT_OK_AND_ASSIGN(Compiled c, CompileWithPartitions(m, hwd, o, {method, "throughput"}));
    IMCC_ASSERT_OK_AND_ASSIGN(hw::Report r, SimulateProgram(c, m, hwd));
    throughput[method] = r.throughput_per_s();
  }
  EXPECT_GT(throughput["ga"], throughput["greedy"]);
  EXPECT_GT(throughput["dp"], throughput["greedy"]);
}

TEST(PartitionedTest, SplitLayerComputesTheSameResult) {
  ir::Module m = *frontends::ImportOnnxFile(std::string(std::getenv("TEST_SRCDIR")) +
                                            "/imcc/testdata/models/tiny/tiny_cnn.onnx");
  const int conv = m.graph().FindNode("/pw/Conv");
  ASSERT_GE(conv, 0);
  IMCC_ASSERT_OK_AND_ASSIGN(ir::Module split, SplitLayer(m, conv, 3, 2));
  EXPECT_THAT(ir::VerifyModule(split), IsOk());
  EXPECT_GE(split.graph().FindNode("/pw/Conv#2_1"), 0);
  TensorType t = m.graph().value(m.graph().inputs()[0]).type;
  std::vector<double> x(t.num_elements());
  for (size_t i = 0; i < x.size(); ++i) x[i] = std::sin(0.1 * i);
  IMCC_ASSERT_OK_AND_ASSIGN(auto a, ir::Interpret(m, {ir::MakeHostTensor(t, x)}));
  IMCC_ASSERT_OK_AND_ASSIGN(auto b, ir::Interpret(split, {ir::MakeHostTensor(t, x)}));
  // Row parts add partial sums in another order: equal up to rounding.
  ASSERT_EQ(a[0].data.size(), b[0].data.size());
  for (size_t i = 0; i < a[0].data.size(); ++i) EXPECT_NEAR(a[0].data[i], b[0].data[i], 1e-5);
}

TEST(PartitionedTest, Vgg16PartitionsOnEveryCompassPreset) {
  const ir::Module m = Model("vgg16");
  for (const char* target : {"compass-s", "compass-m", "compass-l"}) {
    const hw::HardwareDescription hwd = *hw::LoadTarget(target);
    IMCC_ASSERT_OK_AND_ASSIGN(Compiled c, CompileWithPartitions(m, hwd, {}, {"auto", "throughput"}));
    EXPECT_GT(c.program.partitions(), 1) << target;
    IMCC_ASSERT_OK_AND_ASSIGN(hw::Report r, SimulateProgram(c, m, hwd));
    EXPECT_GT(r.latency_ns(), 0) << target;
  }
}

TEST(PartitionedTest, TransformersPartitionToo) {
  // vit_b_16's MLP matmuls (768 x 3072) exceed compass-s and are split.
  const ir::Module m = Model("vit_b_16");
  const hw::HardwareDescription hwd = *hw::LoadTarget("compass-s");
  IMCC_ASSERT_OK_AND_ASSIGN(Compiled c, CompileWithPartitions(m, hwd, {}, {"auto", "throughput"}));
  EXPECT_GT(c.program.partitions(), 1);
  IMCC_ASSERT_OK_AND_ASSIGN(hw::Report r, SimulateProgram(c, m, hwd));
  EXPECT_GT(r.latency_ns(), 0);
}

TEST(PartitionedTest, SplitMatMulComputesTheSameResult) {
  IMCC_ASSERT_OK_AND_ASSIGN(ir::Module m, ir::ParseModule(R"(module @m {
  input %x : f32[2,3,4]
  weight %w : f32[4,2] = dense<"0000803f000000400000404000008040000000410000c0400000e04000000041">
  %y = nn.matmul(%x, %w) : f32[2,3,2] @mm
  output %y
})"));
  IMCC_ASSERT_OK_AND_ASSIGN(ir::Module split, SplitLayer(m, 0, 2, 2));
  EXPECT_THAT(ir::VerifyModule(split), IsOk());
  const TensorType t = m.graph().value(m.graph().inputs()[0]).type;
  std::vector<double> x(t.num_elements());
  for (size_t i = 0; i < x.size(); ++i) x[i] = 0.5 * i - 3;
  IMCC_ASSERT_OK_AND_ASSIGN(auto a, ir::Interpret(m, {ir::MakeHostTensor(t, x)}));
  IMCC_ASSERT_OK_AND_ASSIGN(auto b, ir::Interpret(split, {ir::MakeHostTensor(t, x)}));
  EXPECT_EQ(a[0].data, b[0].data);  // small integers: exact in any order
}

TEST(PartitionedTest, PartitionedProgramRunsFunctionally) {
  // A chip of one 256x256 array: every layer of the tiny CNN is its own
  // partition and the classifier is split.
  hw::HardwareDescription hwd = *hw::LoadTarget("compass-s");
  hwd.mutable_chip()->set_cores_x(1);
  hwd.mutable_chip()->set_cores_y(1);
  hwd.mutable_chip()->mutable_core()->set_arrays(1);
  hwd.mutable_chip()->mutable_core()->mutable_array()->set_adc_bits(
      hw::LosslessAdcBits(hwd.chip().core().array()));
  ir::Module m = *frontends::ImportOnnxFile(std::string(std::getenv("TEST_SRCDIR")) +
                                            "/imcc/testdata/models/tiny/tiny_cnn.onnx");
  IMCC_ASSERT_OK_AND_ASSIGN(Compiled c, CompileWithPartitions(m, hwd, {}, {"auto", "throughput"}));
  EXPECT_GE(c.program.partitions(), 4);
  ASSERT_NE(c.executed, nullptr);
  const TensorType t = m.graph().value(m.graph().inputs()[0]).type;
  std::vector<double> x(t.num_elements());
  for (size_t i = 0; i < x.size(); ++i) x[i] = std::cos(0.37 * i);
  const std::vector<ir::HostTensor> in = {ir::MakeHostTensor(t, x)};
  IMCC_ASSERT_OK_AND_ASSIGN(ir::Module q, QuantizeForCrossbar(*c.executed, in, hwd.chip().core().array()));
  IMCC_ASSERT_OK_AND_ASSIGN(auto ref, ir::Interpret(q, in));
  // The program's weight replacement is executed: each layer reads the
  // weights its partition's WRITE_XB put on the crossbars.
  IMCC_ASSERT_OK_AND_ASSIGN(FunctionalResult xb,
                            RunOnCrossbars(q, hwd.chip().core().array(), in, {.program = &c.program}));
  EXPECT_EQ(xb.weight_writes, c.program.partitions());
  EXPECT_GT(xb.weights_written, 0);
  EXPECT_EQ(MaxAbsDiff(xb.outputs, ref), 0.0);
  IMCC_ASSERT_OK_AND_ASSIGN(auto fp, ir::Interpret(m, in));
  double range = 0;
  for (double v : fp[0].data) range = std::max(range, std::fabs(v));
  EXPECT_LT(MaxAbsDiff(xb.outputs, fp), 0.5 * range);  // 4-bit weights and inputs
}

TEST(PartitionedTest, ALayerWhoseWeightsAreNotWrittenFailsFunctionally) {
  hw::HardwareDescription hwd = *hw::LoadTarget("compass-s");
  hwd.mutable_chip()->set_cores_x(1);
  hwd.mutable_chip()->set_cores_y(1);
  hwd.mutable_chip()->mutable_core()->set_arrays(1);
  ir::Module m = Model("tiny/tiny_cnn");
  IMCC_ASSERT_OK_AND_ASSIGN(Compiled c, CompileWithPartitions(m, hwd, {}, {"auto", "throughput"}));
  const TensorType t = m.graph().value(m.graph().inputs()[0]).type;
  const std::vector<ir::HostTensor> in = {ir::MakeHostTensor(t, std::vector<double>(t.num_elements(), 0.5))};
  IMCC_ASSERT_OK_AND_ASSIGN(ir::Module q, QuantizeForCrossbar(*c.executed, in, hwd.chip().core().array()));
  // Drop the last partition's write: its layers find the previous
  // partition's weights on the crossbars.
  Program broken = c.program;
  std::string dropped;
  for (int i = broken.instructions_size(); i-- > 0;) {
    Instruction* ins = broken.mutable_instructions(i);
    if (ins->op() == OPCODE_WRITE_XB) {
      dropped = ins->written_stages(0);
      ins->clear_written_stages();
      break;
    }
  }
  ASSERT_FALSE(dropped.empty());
  EXPECT_THAT(RunOnCrossbars(q, hwd.chip().core().array(), in, {.program = &broken}),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("layer '" + dropped + "' runs but no WRITE_XB of the program writes its weights")));
}

TEST(PartitionedTest, BadMethodOrObjective) {
  const ir::Module m = Model("tiny/tiny_cnn");
  const hw::HardwareDescription hwd = *hw::LoadTarget("isaac");
  EXPECT_THAT(CompileWithPartitions(m, hwd, {}, {"best", "throughput"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--partition must be auto, none")));
  EXPECT_THAT(CompileWithPartitions(m, hwd, {}, {"dp", "speed"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--objective must be latency")));
}

}  // namespace
}  // namespace imcc::crossbar
