// Gives every shape-only weight (one imported without its data, as in the
// weight-stripped models under testdata/) synthetic values from a seeded
// generator, so a real architecture can run functionally without its
// trained weights. Pipeline name: "fill-weights{seed=N}". Weights that
// already have data are left alone; the same seed gives the same bytes.
//
// Values: each weight's own stream (mt19937_64 seeded with the seed xor
// the FNV-1a hash of the weight's name), uniform in
//   rank >= 2:  +-sqrt(6 / fan_in), fan_in = elements / shape[0]
//               (Kaiming-uniform, so ReLU networks keep their scale);
//   rank <= 1:  [0.5, 1.5] when the name says it is a variance or a scale
//               ("var", "scale", "gamma"), else +-0.1 (biases, shifts).
// Only floating-point weights are synthesised; a shape-only integer weight
// is an InvalidArgument naming it.
#ifndef IMCC_PASSES_GRAPH_FILL_WEIGHTS_H_
#define IMCC_PASSES_GRAPH_FILL_WEIGHTS_H_

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "ir/module.h"
#include "passes/manager/pass.h"

namespace imcc::passes {

std::unique_ptr<Pass> CreateFillWeightsPass(uint64_t seed);

// Fills `graph`'s shape-only weights; returns how many it filled.
absl::StatusOr<int> FillShapeOnlyWeights(ir::Graph& graph, uint64_t seed);

}  // namespace imcc::passes

#endif  // IMCC_PASSES_GRAPH_FILL_WEIGHTS_H_
