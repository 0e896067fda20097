#include "passes/graph/dce.h"

namespace imcc::passes {
namespace {

class DcePass : public Pass {
 public:
  absl::string_view name() const override { return "dce"; }
  absl::StatusOr<PassResult> Run(ir::Module& module, AnalysisManager&) override {
    return EliminateDeadCode(module.graph()) ? PassResult::Changed() : PassResult::Unchanged();
  }
};

}  // namespace

bool EliminateDeadCode(ir::Graph& g) {
  const int before_nodes = g.num_nodes();
  const int before_values = g.num_values();
  std::vector<int> uses = g.UseCounts();
  std::vector<bool> dead(g.num_nodes(), false);
  // Walk backwards so chains of dead nodes go in one sweep.
  for (int i = g.num_nodes() - 1; i >= 0; --i) {
    const ir::Node& n = g.node(i);
    bool used = false;
    for (ir::ValueId out : n.outputs) used |= uses[out] > 0;
    if (used) continue;
    dead[i] = true;
    for (ir::ValueId in : n.inputs) --uses[in];
  }
  g.EraseNodesAndCompact(dead);
  return g.num_nodes() != before_nodes || g.num_values() != before_values;
}

std::unique_ptr<Pass> CreateDcePass() { return std::make_unique<DcePass>(); }

}  // namespace imcc::passes
