#include "ir/serialize.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "ir/proto/module.pb.h"
#include "ir/support/status_macros.h"

namespace imcc::ir {
namespace {

DTypeProto ToProto(DType d) { return static_cast<DTypeProto>(static_cast<int>(d) + 1); }

TensorTypeProto ToProto(const TensorType& t) {
  TensorTypeProto p;
  p.set_dtype(ToProto(t.dtype));
  for (int64_t d : t.shape) p.add_shape(d);
  if (t.quant.has_value()) {
    QuantProto* q = p.mutable_quant();
    q->set_per_channel(t.quant->axis.has_value());
    q->set_axis(t.quant->axis.value_or(0));
    for (float s : t.quant->scales) q->add_scales(s);
    for (int32_t z : t.quant->zero_points) q->add_zero_points(z);
  }
  return p;
}

absl::StatusOr<TensorType> FromProto(const TensorTypeProto& p) {
  TensorType t;
  if (p.dtype() <= DTYPE_UNSPECIFIED || p.dtype() > DTYPE_BOOL) {
    return absl::InvalidArgumentError(absl::StrCat("unknown dtype number ", p.dtype()));
  }
  t.dtype = static_cast<DType>(p.dtype() - 1);
  t.shape.assign(p.shape().begin(), p.shape().end());
  if (p.has_quant()) {
    QuantParams q;
    if (p.quant().per_channel()) q.axis = p.quant().axis();
    q.scales.assign(p.quant().scales().begin(), p.quant().scales().end());
    q.zero_points.assign(p.quant().zero_points().begin(), p.quant().zero_points().end());
    t.quant = std::move(q);
  }
  return t;
}

AttributeProto ToProto(const std::string& name, const Attribute& a) {
  AttributeProto p;
  p.set_name(name);
  switch (a.type()) {
    case AttrType::kInt: p.set_i(a.i()); break;
    case AttrType::kFloat: p.set_f(a.f()); break;
    case AttrType::kString: p.set_s(a.s()); break;
    case AttrType::kInts:
      for (int64_t v : a.ints()) p.mutable_ints()->add_values(v);
      break;
    case AttrType::kFloats:
      for (double v : a.floats()) p.mutable_floats()->add_values(v);
      break;
  }
  return p;
}

absl::StatusOr<Attribute> FromProto(const AttributeProto& p) {
  switch (p.value_case()) {
    case AttributeProto::kI: return Attribute(static_cast<int64_t>(p.i()));
    case AttributeProto::kF: return Attribute(p.f());
    case AttributeProto::kS: return Attribute(p.s());
    case AttributeProto::kInts:
      return Attribute(std::vector<int64_t>(p.ints().values().begin(), p.ints().values().end()));
    case AttributeProto::kFloats:
      return Attribute(std::vector<double>(p.floats().values().begin(), p.floats().values().end()));
    case AttributeProto::VALUE_NOT_SET: break;
  }
  return absl::InvalidArgumentError(absl::StrCat("attribute '", p.name(), "' has no value"));
}

}  // namespace

std::string SerializeModule(const Module& module, WeightMode mode) {
  ModuleProto p;
  p.set_format(std::string(kModuleFormat));
  p.set_name(module.name());
  for (const auto& [k, v] : module.metadata()) {
    MetadataEntry* e = p.add_metadata();
    e->set_key(k);
    e->set_value(v);
  }
  const Graph& g = module.graph();
  // Values travel in canonical order (inputs, weights, node results in node
  // order), which is what DeserializeModule rebuilds; ids are remapped.
  const std::vector<ValueId> order = g.CanonicalValueOrder();
  std::vector<int> pos(g.num_values(), -1);
  for (size_t i = 0; i < order.size(); ++i) pos[order[i]] = static_cast<int>(i);
  for (ValueId id : order) {
    const Value& v = g.value(id);
    ValueProto* vp = p.add_values();
    vp->set_name(v.name);
    *vp->mutable_type() = ToProto(v.type);
    vp->set_kind(static_cast<ValueProto::Kind>(static_cast<int>(v.kind) + 1));
    vp->set_producer(v.producer);
    if (v.data != nullptr) {
      vp->set_has_data(true);
      vp->set_data_hash(v.data->hash);
      vp->set_data_size(v.data->is_reference ? v.data->reference_size
                                             : static_cast<int64_t>(v.data->bytes.size()));
      if (mode == WeightMode::kInline && !v.data->is_reference) vp->set_data(v.data->bytes);
    }
  }
  for (const Node& n : g.nodes()) {
    NodeProto* np = p.add_nodes();
    np->set_name(n.name);
    np->set_op(std::string(OpName(n.op)));
    for (ValueId in : n.inputs) np->add_inputs(pos[in]);
    for (ValueId out : n.outputs) np->add_outputs(pos[out]);
    for (const auto& [k, a] : n.attrs) *np->add_attrs() = ToProto(k, a);
  }
  for (ValueId in : g.inputs()) p.add_inputs(pos[in]);
  for (ValueId out : g.outputs()) p.add_outputs(pos[out]);
  std::string bytes;
  p.SerializeToString(&bytes);
  return bytes;
}

void CollectWeights(const Module& module, WeightStore& store) {
  for (const Value& v : module.graph().values()) {
    if (v.data != nullptr && !v.data->is_reference) store.emplace(v.data->hash, v.data);
  }
}

absl::StatusOr<Module> DeserializeModule(absl::string_view bytes, const WeightStore* store) {
  ModuleProto p;
  if (!p.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError(absl::StrCat("bytes are not a serialised imcc module (",
                                            bytes.size(), " bytes)"));
  }
  if (p.format() != kModuleFormat) {
    return absl::DataLossError(absl::StrCat("module format is '", p.format(), "', expected '",
                                            kModuleFormat, "'"));
  }
  Module module(p.name());
  for (const MetadataEntry& e : p.metadata()) module.mutable_metadata()[e.key()] = e.value();
  Graph& g = module.graph();
  const int num_values = p.values_size();
  auto check_id = [&](int id, absl::string_view what) -> absl::Status {
    if (id < 0 || id >= num_values) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, " refers to value #", id, " of ", num_values));
    }
    return absl::OkStatus();
  };
  // Value ids are positions, so values are recreated in stored order: leaf
  // values directly, node results by adding their node when its first result
  // comes up (nodes must therefore appear in result order, as Graph keeps
  // them).
  int next_node = 0;
  for (int i = 0; i < num_values;) {
    const ValueProto& vp = p.values(i);
    IMCC_ASSIGN_OR_RETURN(TensorType type, FromProto(vp.type()));
    if (vp.kind() == ValueProto::KIND_INPUT) {
      IMCC_RETURN_IF_ERROR(g.AddInput(vp.name(), std::move(type)).status());
      ++i;
      continue;
    }
    if (vp.kind() == ValueProto::KIND_WEIGHT) {
      std::shared_ptr<const WeightData> data;
      if (vp.has_data()) {
        if (!vp.data().empty() || vp.data_size() == 0) {
          data = MakeWeightData(vp.data());
        } else if (store != nullptr) {
          auto it = store->find(vp.data_hash());
          if (it == store->end()) {
            return absl::NotFoundError(absl::StrFormat(
                "weight '%s' refers to payload %016x that the host does not hold", vp.name(),
                vp.data_hash()));
          }
          data = it->second;
        } else {
          data = MakeWeightReference(vp.data_hash(), vp.data_size());
        }
      }
      IMCC_RETURN_IF_ERROR(g.AddWeight(vp.name(), std::move(type), std::move(data)).status());
      ++i;
      continue;
    }
    if (vp.kind() != ValueProto::KIND_NODE_RESULT || next_node >= p.nodes_size() ||
        p.nodes(next_node).outputs_size() == 0 || p.nodes(next_node).outputs(0) != i) {
      return absl::InvalidArgumentError(
          absl::StrCat("value '", vp.name(), "' is not an input, a weight or the next node's result"));
    }
    const NodeProto& np = p.nodes(next_node++);
    std::optional<Op> op = OpFromName(np.op());
    if (!op.has_value()) {
      return absl::InvalidArgumentError(
          absl::StrCat("node '", np.name(), "' has unknown op '", np.op(), "'"));
    }
    std::vector<std::string> names;
    std::vector<TensorType> out_types;
    for (int k = 0; k < np.outputs_size(); ++k) {
      if (np.outputs(k) != i + k || i + k >= num_values) {
        return absl::InvalidArgumentError(
            absl::StrCat("node '", np.name(), "' results are not contiguous"));
      }
      names.push_back(p.values(i + k).name());
      IMCC_ASSIGN_OR_RETURN(TensorType t, FromProto(p.values(i + k).type()));
      out_types.push_back(std::move(t));
    }
    AttributeMap attrs;
    for (const AttributeProto& ap : np.attrs()) {
      IMCC_ASSIGN_OR_RETURN(attrs[ap.name()], FromProto(ap));
    }
    IMCC_RETURN_IF_ERROR(
        g.AddNode(*op, np.name(), {}, std::move(names), std::move(out_types), std::move(attrs))
            .status());
    i += np.outputs_size();
  }
  if (next_node != p.nodes_size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("node '", p.nodes(next_node).name(), "' has no results"));
  }
  for (int n = 0; n < p.nodes_size(); ++n) {
    for (int in : p.nodes(n).inputs()) IMCC_RETURN_IF_ERROR(check_id(in, "node input"));
    g.mutable_node(n).inputs.assign(p.nodes(n).inputs().begin(), p.nodes(n).inputs().end());
  }
  for (int out : p.outputs()) IMCC_RETURN_IF_ERROR(check_id(out, "graph output"));
  g.SetOutputs(std::vector<ValueId>(p.outputs().begin(), p.outputs().end()));
  if (!std::equal(p.inputs().begin(), p.inputs().end(), g.inputs().begin(), g.inputs().end())) {
    return absl::InvalidArgumentError("graph inputs are not listed in value order");
  }
  return module;
}

std::string SerializeTensors(const std::vector<TensorType>& types, const std::vector<std::string>& data) {
  TensorListProto list;
  list.set_format(std::string(kTensorsFormat));
  for (size_t i = 0; i < types.size(); ++i) {
    HostTensorProto* t = list.add_tensors();
    *t->mutable_type() = ToProto(types[i]);
    t->set_data(data[i]);
  }
  return list.SerializeAsString();
}

absl::StatusOr<std::vector<TensorBytes>> DeserializeTensors(absl::string_view bytes) {
  TensorListProto list;
  if (!list.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())) || list.format() != kTensorsFormat) {
    return absl::DataLossError("bytes are not an imcc.tensors.v1 tensor list");
  }
  std::vector<TensorBytes> out;
  for (const HostTensorProto& t : list.tensors()) {
    TensorBytes tb;
    IMCC_ASSIGN_OR_RETURN(tb.type, FromProto(t.type()));
    tb.data = t.data();
    out.push_back(std::move(tb));
  }
  return out;
}

}  // namespace imcc::ir
