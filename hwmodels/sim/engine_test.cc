// The engine on graphs whose optimal schedule is known by hand.
#include "hwmodels/sim/engine.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hwmodels/sim/report.h"
#include "ir/support/status_matchers.h"

namespace imcc::hw::sim {
namespace {

using ::imcc::testing::StatusIs;
using ::testing::HasSubstr;

TEST(EngineTest, ChainRunsBackToBack) {
  Simulation s;
  const int a = s.AddResource({"a", "array", 1, 0});
  const int b = s.AddResource({"b", "vector", 1, 0});
  const int t0 = s.AddTask(a, 10, 1);
  const int t1 = s.AddTask(b, 20, 2);
  const int t2 = s.AddTask(a, 5, 3);
  s.AddDependency(t0, t1);
  s.AddDependency(t1, t2);
  IMCC_ASSERT_OK_AND_ASSIGN(Result r, s.Run());
  EXPECT_DOUBLE_EQ(r.makespan_ns, 35);
  EXPECT_DOUBLE_EQ(r.start_ns[t2], 30);
  EXPECT_DOUBLE_EQ(r.lower_bound.ns, 35);  // the chain is its own bound
  EXPECT_EQ(r.lower_bound.binding, "critical path");
}

TEST(EngineTest, ForkJoinOverlapsBranches) {
  Simulation s;
  const int x = s.AddResource({"x", "array", 1, 0});
  const int y = s.AddResource({"y", "array", 1, 0});
  const int a = s.AddTask(x, 4, 0);
  const int b = s.AddTask(x, 10, 0);
  const int c = s.AddTask(y, 7, 0);
  const int d = s.AddTask(y, 3, 0);
  s.AddDependency(a, b);
  s.AddDependency(a, c);
  s.AddDependency(b, d);
  s.AddDependency(c, d);
  IMCC_ASSERT_OK_AND_ASSIGN(Result r, s.Run());
  EXPECT_DOUBLE_EQ(r.makespan_ns, 4 + 10 + 3);  // a, max(b, c), d
  EXPECT_DOUBLE_EQ(r.start_ns[c], 4);
}

TEST(EngineTest, ContentionSerialisesOnOneSlot) {
  Simulation s;
  const int bus = s.AddResource({"bus", "noc-link", 1, 0});
  for (int i = 0; i < 4; ++i) s.AddTask(bus, 10, 0);
  IMCC_ASSERT_OK_AND_ASSIGN(Result r, s.Run());
  EXPECT_DOUBLE_EQ(r.makespan_ns, 40);
  EXPECT_DOUBLE_EQ(r.lower_bound.ns, 40);
  EXPECT_EQ(r.lower_bound.binding, "bus");
  EXPECT_DOUBLE_EQ(r.resources[bus].utilisation, 1.0);
}

TEST(EngineTest, CapacityRunsTasksInParallel) {
  Simulation s;
  const int dram = s.AddResource({"dram", "dram", 2, 0});
  for (int i = 0; i < 4; ++i) s.AddTask(dram, 10, 0);
  IMCC_ASSERT_OK_AND_ASSIGN(Result r, s.Run());
  EXPECT_DOUBLE_EQ(r.makespan_ns, 20);
}

TEST(EngineTest, LowerPriorityValueStartsFirstEvenIfReadyLater) {
  Simulation s;
  const int r = s.AddResource({"r", "noc-link", 1, 0});
  const int q = s.AddResource({"q", "vector", 1, 0});
  const int old_pre = s.AddTask(q, 5, 0);   // sample 0's earlier stage
  const int young = s.AddTask(r, 10, 0);     // sample 1, ready at 0
  const int old = s.AddTask(r, 10, 0);       // sample 0, ready at 5
  const int young2 = s.AddTask(r, 10, 0);    // sample 1 again, ready at 0
  s.AddDependency(old_pre, old);
  s.SetPriority(young, 1);
  s.SetPriority(young2, 1);
  IMCC_ASSERT_OK_AND_ASSIGN(Result res, s.Run());
  EXPECT_DOUBLE_EQ(res.start_ns[young], 0);   // nothing older is ready yet
  EXPECT_DOUBLE_EQ(res.start_ns[old], 10);    // ahead of young2, which was ready first
  EXPECT_DOUBLE_EQ(res.start_ns[young2], 20);
}

TEST(EngineTest, TiesGoToTheLowerTaskId) {
  Simulation s;
  const int r0 = s.AddResource({"r", "array", 1, 0});
  const int late = s.AddTask(r0, 5, 0);
  const int early = s.AddTask(r0, 5, 0);
  IMCC_ASSERT_OK_AND_ASSIGN(Result r, s.Run());
  EXPECT_DOUBLE_EQ(r.start_ns[late], 0);
  EXPECT_DOUBLE_EQ(r.start_ns[early], 5);
}

TEST(EngineTest, EnergyIsDynamicPlusStaticTimesMakespan) {
  Simulation s;
  const int a = s.AddResource({"a", "array", 1, 2.0});   // 2 mW
  const int b = s.AddResource({"b", "vector", 1, 0.5});  // 0.5 mW
  const int g = s.AddGroup("layer0");
  s.AddTask(a, 100, 7, g);
  s.AddTask(b, 50, 3, g);
  IMCC_ASSERT_OK_AND_ASSIGN(Result r, s.Run());
  EXPECT_DOUBLE_EQ(r.dynamic_energy_pj, 10);
  EXPECT_DOUBLE_EQ(r.static_energy_pj, (2.0 + 0.5) * 100);  // mW x ns = pJ
  EXPECT_DOUBLE_EQ(r.resources[a].dynamic_energy_pj + r.resources[b].dynamic_energy_pj,
                   r.dynamic_energy_pj);
  EXPECT_DOUBLE_EQ(r.groups[g].energy_pj, 10);
  EXPECT_DOUBLE_EQ(r.groups[g].end_ns, 100);
  Report rep = MakeReport(s, r, "t", "m", 1);
  EXPECT_DOUBLE_EQ(rep.energy_pj(), 10 + 250);
  EXPECT_DOUBLE_EQ(rep.edp_pj_ns(), 260 * 100);
  EXPECT_DOUBLE_EQ(rep.throughput_per_s(), 1e9 / 100);
}

TEST(EngineTest, CycleIsFailedPrecondition) {
  Simulation s;
  const int r0 = s.AddResource({"r", "array", 1, 0});
  const int a = s.AddTask(r0, 1, 0, -1, "a");
  const int b = s.AddTask(r0, 1, 0, -1, "b");
  s.AddDependency(a, b);
  s.AddDependency(b, a);
  EXPECT_THAT(s.Run(), StatusIs(absl::StatusCode::kFailedPrecondition,
                                HasSubstr("dependency cycle (task 'a' never becomes ready)")));
}

TEST(EngineTest, BadResourceIsInvalidArgument) {
  Simulation s;
  s.AddTask(3, 1, 0);
  EXPECT_THAT(s.Run(), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("names resource 3 of 0")));
}

TEST(EngineTest, StorageCapacityDelaysAProducer) {
  Simulation s;
  const int a = s.AddResource({"a", "array", 2, 0});
  const int v = s.AddResource({"v", "vector", 1, 0});
  const int buf = s.AddStorage("buffer", 100);
  const int p1 = s.AddTask(a, 10, 0);
  const int p2 = s.AddTask(a, 10, 0);
  const int c1 = s.AddTask(v, 30, 0);
  s.AddDependency(p1, c1);
  s.Allocate(p1, buf, 60);  // p1's output lives until c1 has read it
  s.Release(c1, buf, 60);
  s.Allocate(p2, buf, 60);  // does not fit beside p1's: waits for c1
  IMCC_ASSERT_OK_AND_ASSIGN(Result r, s.Run());
  EXPECT_DOUBLE_EQ(r.start_ns[p2], 40);
  EXPECT_EQ(r.storages[buf].peak_bytes, 60);
}

TEST(EngineTest, StorageNobodyFreesIsResourceExhausted) {
  Simulation s;
  const int a = s.AddResource({"a", "array", 1, 0});
  const int buf = s.AddStorage("buffer", 100);
  const int p1 = s.AddTask(a, 10, 0, -1, "p1");
  const int p2 = s.AddTask(a, 10, 0, -1, "p2");
  s.Allocate(p1, buf, 60);
  s.Allocate(p2, buf, 60);
  EXPECT_THAT(s.Run(), StatusIs(absl::StatusCode::kResourceExhausted,
                                HasSubstr("task 'p2' waits for 60 bytes of 'buffer' (60 of 100 bytes held)")));
}

TEST(EngineTest, AllocationLargerThanStorageIsInvalid) {
  Simulation s;
  const int a = s.AddResource({"a", "array", 1, 0});
  const int buf = s.AddStorage("buffer", 10);
  s.Allocate(s.AddTask(a, 1, 0, -1, "big"), buf, 11);
  EXPECT_THAT(s.Run(), StatusIs(absl::StatusCode::kInvalidArgument,
                                HasSubstr("task 'big' needs 11 bytes of 'buffer', which holds 10")));
}

TEST(EngineTest, AppendRenumbersAndChains) {
  Simulation a, b;
  const int ra = a.AddResource({"ra", "array", 1, 0});
  a.AddTask(ra, 10, 1, -1, "a0");
  const int rb = b.AddResource({"rb", "array", 1, 0});
  const int b0 = b.AddTask(rb, 5, 1, -1, "b0");
  const int b1 = b.AddTask(rb, 5, 1, -1, "b1");
  b.AddDependency(b0, b1);
  const int base = a.Append(b);
  EXPECT_EQ(base, 1);
  EXPECT_EQ(a.TaskName(base + 1), "b1");
  EXPECT_EQ(a.RootTasks(), (std::vector<int>{0, 1}));
  a.AddDependency(0, base);  // b's work after a's
  IMCC_ASSERT_OK_AND_ASSIGN(Result r, a.Run());
  EXPECT_DOUBLE_EQ(r.makespan_ns, 20);
}

Simulation Pipeline() {
  Simulation s;
  const int a = s.AddResource({"xbar0", "array", 1, 1});
  const int b = s.AddResource({"xbar1", "array", 1, 1});
  const int l0 = s.AddGroup("conv1");
  const int l1 = s.AddGroup("conv2");
  int prev0 = -1, prev1 = -1;
  for (int e = 0; e < 5; ++e) {
    const int t0 = s.AddTask(a, 3, 1, l0);
    const int t1 = s.AddTask(b, 4, 1, l1, e == 0 ? "first" : "");
    s.AddDependency(t0, t1);
    if (prev0 >= 0) s.AddDependency(prev0, t0);
    if (prev1 >= 0) s.AddDependency(prev1, t1);
    prev0 = t0;
    prev1 = t1;
  }
  return s;
}

TEST(EngineTest, ElementPipelineReachesTheSlowerStage) {
  Simulation s = Pipeline();
  IMCC_ASSERT_OK_AND_ASSIGN(Result r, s.Run());
  EXPECT_DOUBLE_EQ(r.makespan_ns, 3 + 5 * 4);  // fill, then the 4 ns stage
}

TEST(EngineTest, RunsAreByteIdentical) {
  Simulation s = Pipeline();
  IMCC_ASSERT_OK_AND_ASSIGN(Result r1, s.Run());
  IMCC_ASSERT_OK_AND_ASSIGN(Result r2, s.Run());
  EXPECT_EQ(ReportToJson(MakeReport(s, r1, "t", "m", 1)), ReportToJson(MakeReport(s, r2, "t", "m", 1)));
  EXPECT_EQ(TraceJson(s, r1), TraceJson(s, r2));
}

TEST(EngineTest, JsonCarriesTheRequiredKeys) {
  Simulation s = Pipeline();
  IMCC_ASSERT_OK_AND_ASSIGN(Result r, s.Run());
  const std::string json = ReportToJson(MakeReport(s, r, "isaac", "tiny", 1));
  for (const char* key : {"\"latency_ns\": 23", "\"throughput_per_s\"", "\"energy_pj\"", "\"edp_pj_ns\"",
                          "\"lower_bound_ns\"", "\"resources\"", "\"layers\"", "\"name\": \"conv2\""}) {
    EXPECT_THAT(json, HasSubstr(key));
  }
  const std::string trace = TraceJson(s, r);
  EXPECT_THAT(trace, HasSubstr("\"ph\": \"X\""));
  EXPECT_THAT(trace, HasSubstr("\"name\": \"first\""));
  EXPECT_THAT(trace, HasSubstr("\"name\": \"conv1/array\""));
  EXPECT_THAT(trace, HasSubstr("\"thread_name\""));
}

}  // namespace
}  // namespace imcc::hw::sim
