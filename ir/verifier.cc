#include "ir/verifier.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "ir/graph_algorithms.h"
#include "ir/shape_inference.h"
#include "ir/support/status_macros.h"

namespace imcc::ir {
namespace {

template <typename... Args>
absl::Status Err(const Args&... args) {
  return absl::InvalidArgumentError(absl::StrCat(args...));
}

absl::Status VerifyValue(const Graph& g, ValueId id) {
  const Value& v = g.value(id);
  const std::string where = absl::StrCat("value '", v.name, "'");
  for (int64_t d : v.type.shape) {
    if (d < 0) return Err(where, ": negative dimension in ", ShapeToString(v.type.shape));
  }
  if (v.type.quant.has_value()) {
    const QuantParams& q = *v.type.quant;
    const int64_t want = q.axis.has_value() ? (*q.axis >= 0 && *q.axis < v.type.rank()
                                                   ? v.type.shape[*q.axis]
                                                   : -1)
                                            : 1;
    if (want < 0) return Err(where, ": quantisation axis ", absl::StrCat(*q.axis), " is out of range");
    if (static_cast<int64_t>(q.scales.size()) != want) {
      return Err(where, ": quantisation needs ", absl::StrCat(want), " scales, has ",
                 absl::StrCat(q.scales.size()));
    }
    if (!q.zero_points.empty() && q.zero_points.size() != q.scales.size()) {
      return Err(where, ": ", absl::StrCat(q.zero_points.size()), " zero points for ",
                 absl::StrCat(q.scales.size()), " scales");
    }
    for (float s : q.scales) {
      if (!(s > 0)) return Err(where, ": quantisation scale must be > 0, got ", FormatFloat(s));
    }
  }
  if (v.kind == ValueKind::kWeight && v.data != nullptr && !v.data->is_reference) {
    const int64_t want = v.type.num_elements() * DTypeStorageBytes(v.type.dtype);
    if (static_cast<int64_t>(v.data->bytes.size()) != want) {
      return Err(where, ": weight data has ", absl::StrCat(v.data->bytes.size()),
                 " bytes, type ", TypeToString(v.type), " needs ", absl::StrCat(want));
    }
  }
  if (v.kind != ValueKind::kWeight && v.data != nullptr) {
    return Err(where, ": only weights carry data");
  }
  if (v.kind == ValueKind::kNodeResult &&
      (v.producer < 0 || v.producer >= g.num_nodes())) {
    return Err(where, ": node result without a producing node");
  }
  return absl::OkStatus();
}

absl::Status VerifyNode(const Graph& g, int index) {
  const Node& n = g.node(index);
  const OpInfo& info = GetOpInfo(n.op);
  const std::string where = absl::StrCat("node '", n.name, "' (", info.name, ")");
  for (size_t i = 0; i < n.inputs.size(); ++i) {
    if (n.inputs[i] < 0 || n.inputs[i] >= g.num_values()) {
      return Err(where, ": input ", absl::StrCat(i), " refers to no value");
    }
  }
  for (size_t i = 0; i < n.outputs.size(); ++i) {
    const ValueId out = n.outputs[i];
    if (out < 0 || out >= g.num_values() || g.value(out).producer != index ||
        g.value(out).kind != ValueKind::kNodeResult) {
      return Err(where, ": result ", absl::StrCat(i), " is not owned by this node");
    }
  }
  if (info.num_outputs >= 0 && static_cast<int>(n.outputs.size()) != info.num_outputs) {
    return Err(where, ": has ", absl::StrCat(n.outputs.size()), " results, expected ",
               absl::StrCat(info.num_outputs));
  }
  for (const AttrSpec& spec : GetAttrSpecs(n.op)) {
    if (spec.required() && n.attrs.find(spec.name) == n.attrs.end()) {
      return Err(where, ": missing required attribute '", spec.name, "'");
    }
  }
  absl::StatusOr<std::vector<TensorType>> inferred = InferResultTypes(g, n);
  if (!inferred.ok()) return Err(where, ": ", inferred.status().message());
  if (inferred->size() != n.outputs.size()) {
    return Err(where, ": has ", absl::StrCat(n.outputs.size()), " results, its attributes give ",
               absl::StrCat(inferred->size()));
  }
  std::vector<TensorType> in_types;
  for (ValueId in : n.inputs) in_types.push_back(g.value(in).type);
  const bool free_dtype = QuantisedProduct(n.op, in_types);
  for (size_t i = 0; i < n.outputs.size(); ++i) {
    const TensorType& declared = g.value(n.outputs[i]).type;
    const TensorType& want = (*inferred)[i];
    const bool dtype_ok = declared.dtype == want.dtype ||
                          (free_dtype && (IsFloat(declared.dtype) || declared.quant.has_value()));
    if (!dtype_ok || declared.shape != want.shape) {
      TensorType d = declared;
      d.quant.reset();
      return Err(where, ": result ", absl::StrCat(i), " declared ", TypeToString(d),
                 absl::StrCat(", inferred ", TypeToString(want)));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status VerifyModule(const Module& module) {
  const Graph& g = module.graph();
  absl::flat_hash_set<std::string> names;
  for (ValueId id = 0; id < g.num_values(); ++id) {
    if (!names.insert(g.value(id).name).second) {
      return Err("value '", g.value(id).name, "' is defined twice");
    }
    IMCC_RETURN_IF_ERROR(VerifyValue(g, id));
  }
  absl::flat_hash_set<std::string> node_names;
  for (int i = 0; i < g.num_nodes(); ++i) {
    if (!node_names.insert(g.node(i).name).second) {
      return Err("node '", g.node(i).name, "' is defined twice");
    }
  }
  for (ValueId in : g.inputs()) {
    if (in < 0 || in >= g.num_values() || g.value(in).kind != ValueKind::kInput) {
      return Err("graph input list refers to a value that is not an input");
    }
  }
  if (g.outputs().empty()) return Err("module '", module.name(), "' has no outputs");
  for (ValueId out : g.outputs()) {
    if (out < 0 || out >= g.num_values()) return Err("graph output refers to no value");
  }
  if (std::optional<int> cyc = FindCycle(g)) {
    return Err("graph has a cycle through node '", g.node(*cyc).name, "'");
  }
  for (int i = 0; i < g.num_nodes(); ++i) {
    for (ValueId in : g.node(i).inputs) {
      if (in >= 0 && in < g.num_values() && g.value(in).kind == ValueKind::kNodeResult &&
          g.value(in).producer > i) {
        return Err("node '", g.node(i).name, "' uses value '", g.value(in).name,
                   absl::StrCat("' before its producer '", g.node(g.value(in).producer).name,
                                "' (nodes must be in topological order)"));
      }
    }
    IMCC_RETURN_IF_ERROR(VerifyNode(g, i));
  }
  return absl::OkStatus();
}

}  // namespace imcc::ir
