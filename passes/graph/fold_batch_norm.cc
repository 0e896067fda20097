#include "passes/graph/fold_batch_norm.h"

#include <cmath>
#include <cstring>

#include "ir/support/status_macros.h"
#include "passes/graph/dce.h"

namespace imcc::passes {
namespace {

std::vector<float> ReadF32(const ir::Value& v) {
  std::vector<float> out(v.type.num_elements());
  std::memcpy(out.data(), v.data->bytes.data(), out.size() * sizeof(float));
  return out;
}

std::string WriteF32(const std::vector<float>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float));
}

bool HasF32Data(const ir::Value& v) {
  return v.kind == ir::ValueKind::kWeight && v.data != nullptr && !v.data->is_reference &&
         v.type.dtype == ir::DType::kF32 && !v.type.quant.has_value();
}

class FoldBatchNormPass : public Pass {
 public:
  absl::string_view name() const override { return "fold-batch-norm"; }
  absl::StatusOr<PassResult> Run(ir::Module& module, AnalysisManager&) override {
    ir::Graph& g = module.graph();
    std::vector<int> uses = g.UseCounts();
    bool changed = false;
    for (int i = 0; i < g.num_nodes(); ++i) {
      const ir::Node bn = g.node(i);
      if (bn.op != ir::Op::kBatchNorm) continue;
      const ir::Value& conv_out = g.value(bn.inputs[0]);
      if (conv_out.kind != ir::ValueKind::kNodeResult || uses[bn.inputs[0]] != 1) continue;
      const int conv_index = conv_out.producer;
      const ir::Node& conv = g.node(conv_index);
      if (conv.op != ir::Op::kConv) continue;
      // Every operand must be a weight: data for all, or shape-only.
      std::vector<ir::ValueId> params = {conv.inputs[1], bn.inputs[1], bn.inputs[2], bn.inputs[3],
                                         bn.inputs[4]};
      if (conv.inputs.size() == 3) params.push_back(conv.inputs[2]);
      bool all_weights = true, all_data = true;
      for (ir::ValueId p : params) {
        all_weights &= g.value(p).kind == ir::ValueKind::kWeight;
        all_data &= HasF32Data(g.value(p));
      }
      if (!all_weights) continue;
      const ir::TensorType w_type = g.value(conv.inputs[1]).type;
      const int64_t cout = w_type.shape[0];
      ir::TensorType b_type;
      b_type.dtype = w_type.dtype;
      b_type.shape = {cout};
      std::shared_ptr<const ir::WeightData> w_data, b_data;
      if (all_data) {
        std::vector<float> w = ReadF32(g.value(conv.inputs[1]));
        std::vector<float> gamma = ReadF32(g.value(bn.inputs[1]));
        std::vector<float> beta = ReadF32(g.value(bn.inputs[2]));
        std::vector<float> mean = ReadF32(g.value(bn.inputs[3]));
        std::vector<float> var = ReadF32(g.value(bn.inputs[4]));
        std::vector<float> b(cout, 0.0f);
        if (conv.inputs.size() == 3) b = ReadF32(g.value(conv.inputs[2]));
        const double eps = bn.GetFloat("epsilon");
        const int64_t per_out = w.size() / cout;
        for (int64_t c = 0; c < cout; ++c) {
          const float s = gamma[c] / std::sqrt(var[c] + static_cast<float>(eps));
          for (int64_t k = 0; k < per_out; ++k) w[c * per_out + k] *= s;
          b[c] = (b[c] - mean[c]) * s + beta[c];
        }
        w_data = ir::MakeWeightData(WriteF32(w));
        b_data = ir::MakeWeightData(WriteF32(b));
      }
      const std::string base = g.value(conv.inputs[1]).name;
      IMCC_ASSIGN_OR_RETURN(ir::ValueId new_w, g.AddWeight(g.UniqueName(base + ".bnfold"), w_type, w_data));
      IMCC_ASSIGN_OR_RETURN(ir::ValueId new_b,
                            g.AddWeight(g.UniqueName(base + ".bnfold_bias"), b_type, b_data));
      ir::Node& c = g.mutable_node(conv_index);
      c.inputs.resize(2);
      c.inputs[1] = new_w;
      c.inputs.push_back(new_b);
      // The conv now produces the batch norm's result.
      g.ReplaceAllUsesWith(bn.outputs[0], c.outputs[0]);
      uses = g.UseCounts();
      changed = true;
    }
    if (!changed) return PassResult::Unchanged();
    EliminateDeadCode(g);
    return PassResult::Changed();
  }
};

}  // namespace

std::unique_ptr<Pass> CreateFoldBatchNormPass() { return std::make_unique<FoldBatchNormPass>(); }

}  // namespace imcc::passes
