// Parse + verify of a synthetic 100-block transformer encoder in text IR
// (BERT-base sizes: d=768, 12 heads, ff 3072, 128 tokens; shape-only weights).
// Run: ./bazelw run -c opt //ir:verifier_benchmark
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "benchmark/benchmark.h"
#include "ir/parser.h"
#include "ir/printer.h"
#include "ir/verifier.h"

namespace imcc::ir {
namespace {

std::string TransformerText(int blocks) {
  std::string w, body;
  const std::string block = R"(
  %q$ = nn.matmul(%x$, %wq$) : f32[128,768] @q$
  %k$ = nn.matmul(%x$, %wk$) : f32[128,768] @k$
  %v$ = nn.matmul(%x$, %wv$) : f32[128,768] @v$
  %qh$ = tensor.reshape(%q$) {shape=[128,12,64]} : f32[128,12,64] @qr$
  %kh$ = tensor.reshape(%k$) {shape=[128,12,64]} : f32[128,12,64] @kr$
  %vh$ = tensor.reshape(%v$) {shape=[128,12,64]} : f32[128,12,64] @vr$
  %qt$ = tensor.transpose(%qh$) {perm=[1,0,2]} : f32[12,128,64] @qt$
  %kt$ = tensor.transpose(%kh$) {perm=[1,2,0]} : f32[12,64,128] @kt$
  %vt$ = tensor.transpose(%vh$) {perm=[1,0,2]} : f32[12,128,64] @vt$
  %s$ = nn.matmul(%qt$, %kt$) : f32[12,128,128] @s$
  %p$ = nn.softmax(%s$) : f32[12,128,128] @p$
  %c$ = nn.matmul(%p$, %vt$) : f32[12,128,64] @c$
  %ct$ = tensor.transpose(%c$) {perm=[1,0,2]} : f32[128,12,64] @ct$
  %cr$ = tensor.reshape(%ct$) {shape=[128,768]} : f32[128,768] @cr$
  %o$ = nn.matmul(%cr$, %wo$) : f32[128,768] @o$
  %r$ = math.add(%o$, %x$) : f32[128,768] @r$
  %n$ = nn.layer_norm(%r$, %g$, %b$) : f32[128,768] @n$
  %f$ = nn.gemm(%n$, %w1$, %b1$) : f32[128,3072] @f1$
  %h$ = nn.gelu(%f$) : f32[128,3072] @gelu$
  %e$ = nn.gemm(%h$, %w2$, %b2$) : f32[128,768] @f2$
  %x# = math.add(%e$, %n$) : f32[128,768] @r2$
)";
  const std::string weights = R"(
  weight %wq$ : f32[768,768]
  weight %wk$ : f32[768,768]
  weight %wv$ : f32[768,768]
  weight %wo$ : f32[768,768]
  weight %g$ : f32[768]
  weight %b$ : f32[768]
  weight %w1$ : f32[768,3072]
  weight %b1$ : f32[3072]
  weight %w2$ : f32[3072,768]
  weight %b2$ : f32[768]
)";
  for (int i = 0; i < blocks; ++i) {
    w += absl::StrReplaceAll(weights, {{"$", absl::StrCat("_", i)}});
    body += absl::StrReplaceAll(block, {{"$", absl::StrCat("_", i)}, {"#", absl::StrCat("_", i + 1)}});
  }
  return absl::StrCat("module @transformer {\n  input %x_0 : f32[128,768]\n", w, body,
                      "  output %x_", blocks, "\n}\n");
}

void BM_ParseAndVerifyTransformer(benchmark::State& state) {
  const std::string text = TransformerText(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    absl::StatusOr<Module> m = ParseModule(text);
    if (!m.ok() || !VerifyModule(*m).ok()) {
      state.SkipWithError("transformer text does not parse/verify");
      return;
    }
    benchmark::DoNotOptimize(m->graph().num_nodes());
  }
  state.counters["nodes"] = 21 * state.range(0);
}
BENCHMARK(BM_ParseAndVerifyTransformer)->Arg(100)->Unit(benchmark::kMillisecond);

void BM_VerifyTransformer(benchmark::State& state) {
  absl::StatusOr<Module> m = ParseModule(TransformerText(static_cast<int>(state.range(0))));
  for (auto _ : state) benchmark::DoNotOptimize(VerifyModule(*m).ok());
}
BENCHMARK(BM_VerifyTransformer)->Arg(100)->Unit(benchmark::kMillisecond);

void BM_PrintTransformer(benchmark::State& state) {
  absl::StatusOr<Module> m = ParseModule(TransformerText(static_cast<int>(state.range(0))));
  for (auto _ : state) benchmark::DoNotOptimize(PrintModule(*m).size());
}
BENCHMARK(BM_PrintTransformer)->Arg(100)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace imcc::ir
