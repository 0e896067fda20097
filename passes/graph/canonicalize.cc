#include "passes/graph/canonicalize.h"

#include <numeric>

#include "ir/graph_algorithms.h"
#include "ir/support/status_macros.h"
#include "passes/graph/dce.h"

namespace imcc::passes {
namespace {

bool IsGraphOutput(const ir::Graph& g, ir::ValueId id) {
  for (ir::ValueId out : g.outputs()) {
    if (out == id) return true;
  }
  return false;
}

// Returns true if node `n` computes its input unchanged.
bool IsNoOp(const ir::Graph& g, const ir::Node& n) {
  if (n.inputs.empty() || n.outputs.size() != 1) return false;
  const ir::TensorType& in = g.value(n.inputs[0]).type;
  const ir::TensorType& out = g.value(n.outputs[0]).type;
  switch (n.op) {
    case ir::Op::kIdentity:
      return true;
    case ir::Op::kReshape:
    case ir::Op::kExpand:
    case ir::Op::kSqueeze:
    case ir::Op::kUnsqueeze:
    case ir::Op::kFlatten:
      return in.shape == out.shape && in.dtype == out.dtype;
    case ir::Op::kTranspose: {
      const std::vector<int64_t>& perm = n.GetInts("perm");
      if (perm.empty()) return in.rank() <= 1;
      for (size_t i = 0; i < perm.size(); ++i) {
        if (perm[i] != static_cast<int64_t>(i)) return false;
      }
      return true;
    }
    case ir::Op::kCast:
      return in.dtype == out.dtype;
    default:
      return false;
  }
}

class CanonicalizePass : public Pass {
 public:
  absl::string_view name() const override { return "canonicalize"; }
  absl::StatusOr<PassResult> Run(ir::Module& module, AnalysisManager&) override {
    ir::Graph& g = module.graph();
    bool changed = false;
    // 1. Topological order (imported graphs may not be in it).
    IMCC_ASSIGN_OR_RETURN(std::vector<int> order, ir::TopologicalOrder(g));
    std::vector<int> identity(order.size());
    std::iota(identity.begin(), identity.end(), 0);
    bool ordered = true;
    for (int i = 0; i < g.num_nodes(); ++i) {
      for (ir::ValueId in : g.node(i).inputs) {
        if (g.value(in).kind == ir::ValueKind::kNodeResult && g.value(in).producer > i) {
          ordered = false;
        }
      }
    }
    if (!ordered) {
      g.PermuteNodes(order);
      changed = true;
    }
    // 2. Bypass no-ops and fold reshape chains. A no-op whose result is a
    //    graph output stays, so output names remain those of the model.
    for (int i = 0; i < g.num_nodes(); ++i) {
      ir::Node& n = g.mutable_node(i);
      if (n.outputs.size() != 1 || n.inputs.empty()) continue;
      const ir::ValueId out = n.outputs[0];
      if (IsNoOp(g, n) && !IsGraphOutput(g, out)) {
        g.ReplaceAllUsesWith(out, n.inputs[0]);
        changed = true;
        continue;
      }
      if (n.op == ir::Op::kReshape) {
        const ir::Value& src = g.value(n.inputs[0]);
        if (src.kind == ir::ValueKind::kNodeResult &&
            g.node(src.producer).op == ir::Op::kReshape) {
          n.inputs[0] = g.node(src.producer).inputs[0];
          changed = true;
        }
      }
    }
    // 3. Dead code.
    changed |= EliminateDeadCode(g);
    return changed ? PassResult::Changed() : PassResult::Unchanged();
  }
};

}  // namespace

std::unique_ptr<Pass> CreateCanonicalizePass() { return std::make_unique<CanonicalizePass>(); }

}  // namespace imcc::passes
