#include "backends/crossbar/compiler.h"

#include <cstdlib>
#include <map>
#include <set>

#include "frontends/onnx/onnx_importer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hwmodels/hardware.h"
#include "hwmodels/sim/report.h"
#include "ir/support/status_matchers.h"

namespace imcc::crossbar {
namespace {

using ::imcc::testing::StatusIs;
using ::testing::HasSubstr;

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

TEST(CompilerTest, EveryNodeIsScheduled) {
  ir::Module m = Model("resnet18");
  IMCC_ASSERT_OK_AND_ASSIGN(Compiled c, Compile(m, *hw::LoadTarget("pimcomp-default"), {}));
  std::set<std::string> stages;
  for (const Instruction& i : c.program.instructions()) stages.insert(i.stage());
  for (const ir::Node& n : m.graph().nodes()) EXPECT_TRUE(stages.count(n.name)) << n.name << " was dropped";
}

TEST(CompilerTest, LatencyScheduleOnPimcomp) {
  ir::Module m = Model("resnet18");
  const hw::HardwareDescription hwd = *hw::LoadTarget("pimcomp-default");
  IMCC_ASSERT_OK_AND_ASSIGN(Compiled c, Compile(m, hwd, {}));
  IMCC_ASSERT_OK_AND_ASSIGN(hw::Report r, SimulateProgram(c, m, hwd));
  EXPECT_GT(r.latency_ns(), 0);
  EXPECT_GE(r.latency_ns(), r.lower_bound_ns());
  EXPECT_GT(Metric(r, "crossbars_used"), 0);
  EXPECT_LE(Metric(r, "crossbars_used"), Metric(r, "crossbars_total"));
  EXPECT_EQ(Metric(r, "crossbars_total"), 9216);
  EXPECT_GT(Metric(r, "instructions/VEC"), 0);
}

TEST(CompilerTest, ThroughputScheduleBeatsOneSampleAtATime) {
  ir::Module m = Model("resnet18");
  const hw::HardwareDescription hwd = *hw::LoadTarget("pimcomp-default");
  CompileOptions o;
  o.schedule = "throughput";
  o.batch = 8;
  IMCC_ASSERT_OK_AND_ASSIGN(Compiled c, Compile(m, hwd, o));
  IMCC_ASSERT_OK_AND_ASSIGN(hw::Report r, SimulateProgram(c, m, hwd));
  EXPECT_EQ(r.samples(), 8);
  // Layer pipelining: samples finish faster than one per full latency.
  EXPECT_GT(r.throughput_per_s(), 1e9 / r.latency_ns());
}

TEST(CompilerTest, ElementPipelineOverlapsLayers) {
  ir::Module m = Model("resnet18");
  const hw::HardwareDescription hwd = *hw::LoadTarget("pimcomp-default");
  CompileOptions whole;
  whole.max_chunks = 1;  // a layer waits for its whole input
  IMCC_ASSERT_OK_AND_ASSIGN(Compiled a, Compile(m, hwd, whole));
  IMCC_ASSERT_OK_AND_ASSIGN(Compiled b, Compile(m, hwd, {}));
  IMCC_ASSERT_OK_AND_ASSIGN(hw::Report ra, SimulateProgram(a, m, hwd));
  IMCC_ASSERT_OK_AND_ASSIGN(hw::Report rb, SimulateProgram(b, m, hwd));
  EXPECT_LT(rb.latency_ns(), ra.latency_ns());
}

TEST(CompilerTest, NativeGranularityOfEachPreset) {
  ir::Module m = Model("tiny/tiny_cnn");
  for (const char* t : {"isaac", "puma", "jia21", "jain21"}) {
    const hw::HardwareDescription hwd = *hw::LoadTarget(t);
    IMCC_ASSERT_OK_AND_ASSIGN(Compiled c, Compile(m, hwd, {}));
    IMCC_ASSERT_OK_AND_ASSIGN(hw::Report r, SimulateProgram(c, m, hwd));
    EXPECT_GT(r.latency_ns(), 0) << t;
    const std::string want = std::string(t) == "jia21" ? "core" : std::string(t) == "jain21" ? "wordline" : "crossbar";
    EXPECT_EQ(c.program.granularity(), want) << t;
  }
}

TEST(CompilerTest, ModelLargerThanChipIsResourceExhausted) {
  ir::Module m = Model("vgg16");
  EXPECT_THAT(Compile(m, *hw::LoadTarget("compass-s"), {}),
              StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("the chip has 64")));
}

TEST(CompilerTest, BadOptionsAreInvalidArgument) {
  ir::Module m = Model("tiny/tiny_cnn");
  CompileOptions o;
  o.schedule = "fastest";
  EXPECT_THAT(Compile(m, *hw::LoadTarget("isaac"), o),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--schedule must be throughput or latency")));
  EXPECT_THAT(Compile(m, *hw::LoadTarget("hermes-4090-8dimm"), {}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("is not a crossbar chip")));
}

TEST(CompilerTest, MetaOperatorsUseTheGranularitysRead) {
  ir::Module m = Model("tiny/tiny_cnn");
  for (const auto& [target, read] : std::vector<std::pair<const char*, const char*>>{
           {"jia21", "read_core("}, {"isaac", "read_xb("}, {"jain21", "read_wl("}}) {
    IMCC_ASSERT_OK_AND_ASSIGN(Compiled c, Compile(m, *hw::LoadTarget(target), {}));
    const std::string text = ProgramToMetaOps(c.program);
    EXPECT_THAT(text, HasSubstr(read)) << target;
    EXPECT_THAT(text, HasSubstr("flow chunk=0 {")) << target;
    EXPECT_THAT(text, HasSubstr("parallel {")) << target;
    EXPECT_THAT(text, HasSubstr("vec.nn.relu(")) << target;
  }
}

TEST(CompilerTest, LayersOwnWholeCoresAndFillThemWithReplicas) {
  ir::Module m = Model("resnet18");
  const hw::HardwareDescription hwd = *hw::LoadTarget("isaac");
  IMCC_ASSERT_OK_AND_ASSIGN(Compiled c, Compile(m, hwd, {.schedule = "throughput"}));
  EXPECT_NE(c.program.placement().find("layers own cores"), std::string::npos);
  std::map<int32_t, std::string> owner;
  const int64_t per_core = hwd.chip().core().arrays();
  for (const StageMapping& s : c.program.stages()) {
    for (int32_t core : s.cores()) {
      auto [it, fresh] = owner.emplace(core, s.name());
      EXPECT_EQ(it->second, s.name()) << "core " << core << " holds two layers";
    }
    // Crossbar-level duplication: a layer's last core has no room for
    // another replica.
    const int64_t cores_owned = (s.replicas() * s.arrays_per_replica() + per_core - 1) / per_core;
    EXPECT_LT(cores_owned * per_core - s.replicas() * s.arrays_per_replica(), s.arrays_per_replica()) << s.name();
  }
}

TEST(CompilerTest, ReplicasWiderThanACoreExchangePartialSums) {
  ir::Module m = Model("resnet18");
  // isaac: 96 crossbars per tile; one copy of a layer4 3x3 convolution takes 1152.
  IMCC_ASSERT_OK_AND_ASSIGN(Compiled c, Compile(m, *hw::LoadTarget("isaac"), {.schedule = "throughput", .batch = 1}));
  int psum_sends = 0;
  for (const Instruction& i : c.program.instructions()) {
    if (i.op() == OPCODE_SEND && i.detail() == "partial sums") {
      ++psum_sends;
      EXPECT_NE(i.core(), i.peer_core());
      EXPECT_GT(i.bytes(), 0);
    }
  }
  EXPECT_GT(psum_sends, 0);
}

TEST(CompilerTest, BatchPipelineServesTheOldestSampleFirst) {
  // The first sample of a batch finishes about as soon as it would alone:
  // later samples do not overtake it at shared resources.
  ir::Module m = Model("resnet18");
  const hw::HardwareDescription hwd = *hw::LoadTarget("pimcomp-default");
  IMCC_ASSERT_OK_AND_ASSIGN(Compiled one, Compile(m, hwd, {.schedule = "throughput", .batch = 1}));
  IMCC_ASSERT_OK_AND_ASSIGN(Compiled many, Compile(m, hwd, {.schedule = "throughput", .batch = 16}));
  IMCC_ASSERT_OK_AND_ASSIGN(hw::Report r1, SimulateProgram(one, m, hwd));
  IMCC_ASSERT_OK_AND_ASSIGN(hw::Report r16, SimulateProgram(many, m, hwd));
  EXPECT_LT(r16.latency_ns(), 1.5 * r1.latency_ns());
  EXPECT_GT(r16.throughput_per_s(), r1.throughput_per_s());
}

TEST(CompilerTest, OutputIsDeterministic) {
  ir::Module m = Model("mobilenet_v2");
  const hw::HardwareDescription hwd = *hw::LoadTarget("pimcomp-default");
  IMCC_ASSERT_OK_AND_ASSIGN(Compiled a, Compile(m, hwd, {}));
  IMCC_ASSERT_OK_AND_ASSIGN(Compiled b, Compile(m, hwd, {}));
  EXPECT_EQ(ProgramToText(a.program), ProgramToText(b.program));
  IMCC_ASSERT_OK_AND_ASSIGN(hw::Report ra, SimulateProgram(a, m, hwd));
  IMCC_ASSERT_OK_AND_ASSIGN(hw::Report rb, SimulateProgram(b, m, hwd));
  EXPECT_EQ(hw::sim::ReportToJson(ra), hw::sim::ReportToJson(rb));
}

}  // namespace
}  // namespace imcc::crossbar
