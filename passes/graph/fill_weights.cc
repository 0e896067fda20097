#include "passes/graph/fill_weights.h"

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "ir/interpreter.h"

namespace imcc::passes {
namespace {

class FillWeightsPass : public Pass {
 public:
  explicit FillWeightsPass(uint64_t seed) : seed_(seed) {}
  absl::string_view name() const override { return "fill-weights"; }
  absl::StatusOr<PassResult> Run(ir::Module& module, AnalysisManager&) override {
    absl::StatusOr<int> n = FillShapeOnlyWeights(module.graph(), seed_);
    if (!n.ok()) return n.status();
    // Types and structure are unchanged; only weight payloads appear.
    return *n > 0 ? PassResult{true, PreservedAnalyses::All()} : PassResult::Unchanged();
  }

 private:
  uint64_t seed_;
};

}  // namespace

absl::StatusOr<int> FillShapeOnlyWeights(ir::Graph& graph, uint64_t seed) {
  int filled = 0;
  for (ir::ValueId id = 0; id < graph.num_values(); ++id) {
    ir::Value& v = graph.mutable_value(id);
    if (v.kind != ir::ValueKind::kWeight || v.data != nullptr) continue;
    if (!ir::IsFloat(v.type.dtype) || v.type.quant.has_value()) {
      return absl::InvalidArgumentError(absl::StrCat("fill-weights: weight '", v.name, "' of type ",
                                                     ir::DTypeName(v.type.dtype),
                                                     " has no data, and only float weights can be synthesised"));
    }
    const int64_t count = v.type.num_elements();
    double lo = -0.1, hi = 0.1;
    if (v.type.rank() >= 2) {
      const double fan_in = static_cast<double>(count) / static_cast<double>(std::max<int64_t>(1, v.type.shape[0]));
      hi = std::sqrt(6.0 / std::max(1.0, fan_in));
      lo = -hi;
    } else {
      const std::string lower = absl::AsciiStrToLower(v.name);
      if (absl::StrContains(lower, "var") || absl::StrContains(lower, "scale") ||
          absl::StrContains(lower, "gamma")) {
        lo = 0.5;
        hi = 1.5;
      }
    }
    std::mt19937_64 rng(seed ^ ir::ContentHash(v.name));  // the standard fixes its sequence
    std::vector<double> data(count);
    for (double& d : data) {
      const double u = static_cast<double>(rng() >> 11) * 0x1.0p-53;  // [0, 1)
      d = lo + (hi - lo) * u;
    }
    v.data = ir::MakeWeightData(ir::EncodeTensor(ir::MakeHostTensor(v.type, std::move(data))));
    ++filled;
  }
  return filled;
}

std::unique_ptr<Pass> CreateFillWeightsPass(uint64_t seed) { return std::make_unique<FillWeightsPass>(seed); }

}  // namespace imcc::passes
