// Engine speed in events per second on an element-pipeline schedule of a
// CNN-sized workload: L layers x E elements; task (l, e) runs on layer l's
// array group and depends on (l-1, e) and (l, e-1), with a NoC transfer
// between layers on a shared link. Run:
//   ./bazelw run -c opt //hwmodels/sim:engine_benchmark
#include "benchmark/benchmark.h"
#include "hwmodels/sim/engine.h"

namespace imcc::hw::sim {
namespace {

Simulation ElementPipeline(int layers, int elements) {
  Simulation s;
  s.Reserve(2LL * layers * elements, 4LL * layers * elements);
  std::vector<int> arrays(layers);
  for (int l = 0; l < layers; ++l) arrays[l] = s.AddResource({"layer", "array", 1, 0.3});
  const int noc = s.AddResource({"noc", "noc-link", 4, 1});
  std::vector<int> prev_layer(elements, -1);
  for (int l = 0; l < layers; ++l) {
    const int g = s.AddGroup("layer");
    int prev = -1;
    for (int e = 0; e < elements; ++e) {
      const int t = s.AddTask(arrays[l], 100 + (l * 37 + e * 11) % 50, 30, g);
      if (prev >= 0) s.AddDependency(prev, t);
      if (prev_layer[e] >= 0) {
        const int x = s.AddTask(noc, 8, 5, g);
        s.AddDependency(prev_layer[e], x);
        s.AddDependency(x, t);
      }
      prev_layer[e] = t;
      prev = t;
    }
  }
  return s;
}

void BM_ElementPipeline(benchmark::State& state) {
  Simulation s = ElementPipeline(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
  int64_t events = 0;
  for (auto _ : state) {
    auto r = s.Run();
    events += r->events;
    benchmark::DoNotOptimize(r->makespan_ns);
  }
  state.counters["events/s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["tasks"] = s.num_tasks();
}
// resnet50-like: 53 layers x 3136 (56x56) output positions ~ 330 k tasks;
// and a 1 M-task case.
BENCHMARK(BM_ElementPipeline)->Args({53, 3136})->Args({100, 5000})->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace imcc::hw::sim
