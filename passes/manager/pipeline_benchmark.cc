// Pipeline parse + print speed. Run: ./bazelw run -c opt //passes/manager:pipeline_benchmark
#include "benchmark/benchmark.h"
#include "passes/manager/pipeline.h"

namespace imcc::passes {
namespace {

void BM_ParseAndPrintPipeline(benchmark::State& state) {
  const std::string text =
      "module(canonicalize,fold-batch-norm,dce),crossbar-tile{rows=128 cols=128},"
      "replicate{strategy=dp budget=9216},schedule{mode=latency},require<op-stats>,codegen";
  for (auto _ : state) {
    auto elements = ParsePipeline(text);
    benchmark::DoNotOptimize(PrintPipeline(*elements));
  }
}
BENCHMARK(BM_ParseAndPrintPipeline);

}  // namespace
}  // namespace imcc::passes
