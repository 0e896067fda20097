#include "passes/analysis/op_stats.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace imcc::passes {

int64_t NodeMacs(const ir::Graph& g, const ir::Node& n) {
  if (n.outputs.empty() || n.inputs.size() < 2) return 0;
  const ir::TensorType& out = g.value(n.outputs[0]).type;
  const ir::TensorType& w = g.value(n.inputs[1]).type;
  switch (n.op) {
    case ir::Op::kConv: {
      // Each output element: (C_in / group) * prod(kernel) MACs.
      int64_t per_out = 1;
      for (size_t i = 1; i < w.shape.size(); ++i) per_out *= w.shape[i];
      return out.num_elements() * per_out;
    }
    case ir::Op::kGemm: {
      const ir::TensorType& a = g.value(n.inputs[0]).type;
      const int64_t k = n.GetInt("trans_a") ? a.shape[0] : a.shape[1];
      return out.num_elements() * k;
    }
    case ir::Op::kMatMul: {
      const ir::TensorType& a = g.value(n.inputs[0]).type;
      return out.num_elements() * a.shape.back();
    }
    default:
      return 0;
  }
}

OpStatsAnalysis::OpStatsAnalysis(const ir::Module& module, AnalysisManager&) {
  const ir::Graph& g = module.graph();
  num_nodes_ = g.num_nodes();
  for (const ir::Node& n : g.nodes()) {
    ++ops_by_kind_[std::string(ir::OpName(n.op))];
    macs_ += NodeMacs(g, n);
  }
  for (const ir::Value& v : g.values()) {
    if (v.kind != ir::ValueKind::kWeight) continue;
    parameters_ += v.type.num_elements();
    weight_bytes_ += v.type.SizeInBytes();
    (v.data != nullptr ? weights_with_data_ : weights_shape_only_) += 1;
  }
}

std::string OpStatsAnalysis::Summary() const {
  std::string out = absl::StrFormat(
      "nodes: %d\nparameters: %d (%.2f MB at declared dtypes; %d weights with data, %d "
      "shape-only)\nMACs: %d (%.3f G)\nops by kind:\n",
      num_nodes_, parameters_, weight_bytes_ / 1e6, weights_with_data_, weights_shape_only_,
      macs_, macs_ / 1e9);
  for (const auto& [op, count] : ops_by_kind_) {
    absl::StrAppendFormat(&out, "  %-22s %d\n", op, count);
  }
  return out;
}

}  // namespace imcc::passes
