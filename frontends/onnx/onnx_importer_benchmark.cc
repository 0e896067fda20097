// Import speed of real exported models (import includes the ONNX checker,
// ONNX shape inference, folding and imcc's verifier).
// Run: ./bazelw run -c opt //frontends/onnx:onnx_importer_benchmark
#include <cstdlib>
#include <string>

#include "benchmark/benchmark.h"
#include "frontends/onnx/onnx_importer.h"

namespace imcc::frontends {
namespace {

std::string Model(const std::string& name) {
  // `bazel run` starts in the runfiles tree of the workspace.
  return "testdata/models/" + name + ".onnx";
}

void BM_Import(benchmark::State& state, const std::string& name) {
  const std::string path = Model(name);
  for (auto _ : state) {
    absl::StatusOr<ir::Module> m = ImportOnnxFile(path);
    if (!m.ok()) {
      state.SkipWithError(std::string(m.status().message()).c_str());
      return;
    }
    benchmark::DoNotOptimize(m->graph().num_nodes());
  }
}
BENCHMARK_CAPTURE(BM_Import, resnet50, std::string("resnet50"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Import, resnet18, std::string("resnet18"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Import, vit_b_16, std::string("vit_b_16"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Import, bert_block, std::string("bert_block"))->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace imcc::frontends
