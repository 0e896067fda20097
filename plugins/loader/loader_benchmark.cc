// Plugin load cost: dlopen + table checks + pass listing, and one pass run
// through the ABI. Run: ./bazelw run -c opt //plugins/loader:loader_benchmark
#include "benchmark/benchmark.h"
#include "ir/parser.h"
#include "passes/manager/pass_manager.h"
#include "plugins/loader/loader.h"

namespace imcc::plugin {
namespace {

constexpr char kGraph[] = "passes/graph/plugin/libgraph_plugin.so";

void BM_LoadAndRegister(benchmark::State& state) {
  for (auto _ : state) {
    PluginLoader loader;
    if (!loader.Load(kGraph).ok()) {
      state.SkipWithError("cannot load the graph plugin (run with bazel run)");
      return;
    }
    passes::PassRegistry registry;
    benchmark::DoNotOptimize(loader.RegisterPasses(registry).ok());
  }
}
BENCHMARK(BM_LoadAndRegister)->Unit(benchmark::kMicrosecond);

void BM_PluginPassRoundTrip(benchmark::State& state) {
  PluginLoader loader;
  if (!loader.Load(kGraph).ok()) {
    state.SkipWithError("cannot load the graph plugin (run with bazel run)");
    return;
  }
  passes::PassRegistry registry;
  (void)loader.RegisterPasses(registry);
  ir::Module m = *ir::ParseModule(R"(module @m {
  input %x : f32[1,64,56,56]
  weight %w : f32[64,64,3,3]
  %y = nn.conv(%x, %w) {pads=[1,1,1,1]} : f32[1,64,56,56] @conv
  %z = nn.relu(%y) : f32[1,64,56,56] @relu
  output %z
})");
  auto pm = passes::PassManager::Create(registry, "canonicalize");
  for (auto _ : state) benchmark::DoNotOptimize((*pm)->Run(m).ok());
}
BENCHMARK(BM_PluginPassRoundTrip)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace imcc::plugin
