#include "ir/module.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace imcc::ir {

uint64_t ContentHash(absl::string_view bytes) {
  uint64_t h = 14695981039346656037ULL;  // FNV-1a 64 offset basis
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

std::shared_ptr<const WeightData> MakeWeightData(std::string bytes) {
  auto data = std::make_shared<WeightData>();
  data->hash = ContentHash(bytes);
  data->bytes = std::move(bytes);
  return data;
}

std::shared_ptr<const WeightData> MakeWeightReference(uint64_t hash, int64_t size) {
  auto data = std::make_shared<WeightData>();
  data->hash = hash;
  data->is_reference = true;
  data->reference_size = size;
  return data;
}

const Attribute& Node::Get(absl::string_view name) const {
  auto it = attrs.find(name);
  if (it != attrs.end()) return it->second;
  const AttrSpec* spec = FindAttrSpec(op, name);
  static const Attribute* const kEmpty = new Attribute();
  return spec != nullptr ? spec->default_value : *kEmpty;
}

int64_t Node::GetInt(absl::string_view name) const { return Get(name).i(); }
double Node::GetFloat(absl::string_view name) const { return Get(name).f(); }
const std::string& Node::GetString(absl::string_view name) const { return Get(name).s(); }
const std::vector<int64_t>& Node::GetInts(absl::string_view name) const {
  return Get(name).ints();
}

void Node::Set(absl::string_view name, Attribute value) {
  const AttrSpec* spec = FindAttrSpec(op, name);
  if (spec != nullptr && !spec->required() && spec->default_value == value) {
    attrs.erase(std::string(name));
    return;
  }
  attrs[std::string(name)] = std::move(value);
}

absl::StatusOr<ValueId> Graph::AddValue(Value value) {
  if (value.name.empty()) return absl::InvalidArgumentError("value name is empty");
  auto [it, inserted] = value_index_.emplace(value.name, num_values());
  if (!inserted) {
    return absl::AlreadyExistsError(absl::StrCat("value '", value.name, "' is defined twice"));
  }
  values_.push_back(std::move(value));
  return it->second;
}

absl::StatusOr<ValueId> Graph::AddInput(std::string name, TensorType type) {
  Value v{std::move(name), std::move(type), ValueKind::kInput, -1, nullptr};
  absl::StatusOr<ValueId> id = AddValue(std::move(v));
  if (id.ok()) inputs_.push_back(*id);
  return id;
}

absl::StatusOr<ValueId> Graph::AddWeight(std::string name, TensorType type,
                                         std::shared_ptr<const WeightData> data) {
  return AddValue(Value{std::move(name), std::move(type), ValueKind::kWeight, -1, std::move(data)});
}

absl::StatusOr<int> Graph::AddNode(Op op, std::string name, std::vector<ValueId> inputs,
                                   std::vector<std::string> output_names,
                                   std::vector<TensorType> output_types, AttributeMap attrs) {
  if (output_names.size() != output_types.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("node '", name, "': ", output_names.size(), " output names but ",
                     output_types.size(), " output types"));
  }
  if (name.empty()) return absl::InvalidArgumentError("node name is empty");
  for (ValueId in : inputs) {
    if (in < 0 || in >= num_values()) {
      return absl::InvalidArgumentError(
          absl::StrCat("node '", name, "': input id ", in, " is out of range"));
    }
  }
  if (!node_index_.emplace(name, num_nodes()).second) {
    return absl::AlreadyExistsError(absl::StrCat("node '", name, "' is defined twice"));
  }
  const int index = num_nodes();
  Node node;
  node.name = std::move(name);
  node.op = op;
  node.inputs = std::move(inputs);
  for (auto& [k, v] : attrs) node.Set(k, std::move(v));
  for (size_t i = 0; i < output_names.size(); ++i) {
    absl::StatusOr<ValueId> id = AddValue(Value{std::move(output_names[i]),
                                                std::move(output_types[i]),
                                                ValueKind::kNodeResult, index, nullptr});
    if (!id.ok()) {
      // Roll back the values this call added and the node name.
      for (ValueId out : node.outputs) value_index_.erase(values_[out].name);
      values_.resize(values_.size() - node.outputs.size());
      node_index_.erase(node.name);
      return id.status();
    }
    node.outputs.push_back(*id);
  }
  nodes_.push_back(std::move(node));
  return index;
}

ValueId Graph::FindValue(absl::string_view name) const {
  auto it = value_index_.find(name);
  return it == value_index_.end() ? kNoValue : it->second;
}

int Graph::FindNode(absl::string_view name) const {
  auto it = node_index_.find(name);
  return it == node_index_.end() ? -1 : it->second;
}

std::string Graph::UniqueName(absl::string_view base) const {
  std::string name(base);
  for (int i = 1; FindValue(name) != kNoValue || FindNode(name) != -1; ++i) {
    name = absl::StrCat(base, "_", i);
  }
  return name;
}

void Graph::ReplaceAllUsesWith(ValueId from, ValueId to) {
  for (Node& n : nodes_) {
    for (ValueId& in : n.inputs) {
      if (in == from) in = to;
    }
  }
  for (ValueId& out : outputs_) {
    if (out == from) out = to;
  }
}

std::vector<int> Graph::UseCounts() const {
  std::vector<int> uses(values_.size(), 0);
  for (const Node& n : nodes_) {
    for (ValueId in : n.inputs) ++uses[in];
  }
  for (ValueId out : outputs_) ++uses[out];
  return uses;
}

std::vector<ValueId> Graph::CanonicalValueOrder() const {
  std::vector<ValueId> order;
  order.reserve(values_.size());
  for (ValueId id = 0; id < num_values(); ++id) {
    if (values_[id].kind == ValueKind::kInput) order.push_back(id);
  }
  for (ValueId id = 0; id < num_values(); ++id) {
    if (values_[id].kind == ValueKind::kWeight) order.push_back(id);
  }
  for (const Node& n : nodes_) order.insert(order.end(), n.outputs.begin(), n.outputs.end());
  return order;
}

void Graph::EraseNodesAndCompact(const std::vector<bool>& dead) {
  auto is_dead = [&](int i) { return i < static_cast<int>(dead.size()) && dead[i]; };
  std::vector<bool> keep_value(values_.size(), false);
  for (ValueId in : inputs_) keep_value[in] = true;
  for (ValueId out : outputs_) keep_value[out] = true;
  std::vector<Node> nodes;
  for (int i = 0; i < num_nodes(); ++i) {
    if (is_dead(i)) continue;
    for (ValueId in : nodes_[i].inputs) keep_value[in] = true;
    for (ValueId out : nodes_[i].outputs) keep_value[out] = true;
    nodes.push_back(std::move(nodes_[i]));
  }
  nodes_ = std::move(nodes);
  // Renumber values canonically: inputs, weights, then results in node order.
  std::vector<ValueId> remap(values_.size(), kNoValue);
  std::vector<Value> values;
  for (ValueId id : CanonicalValueOrder()) {
    if (!keep_value[id]) continue;
    remap[id] = static_cast<ValueId>(values.size());
    values.push_back(std::move(values_[id]));
  }
  for (int i = 0; i < num_nodes(); ++i) {
    for (ValueId& in : nodes_[i].inputs) in = remap[in];
    for (ValueId& out : nodes_[i].outputs) {
      out = remap[out];
      values[out].producer = i;
    }
  }
  for (ValueId& in : inputs_) in = remap[in];
  for (ValueId& out : outputs_) out = remap[out];
  values_ = std::move(values);
  RebuildIndex();
}

void Graph::PermuteNodes(const std::vector<int>& order) {
  std::vector<Node> nodes;
  nodes.reserve(order.size());
  for (int i : order) nodes.push_back(std::move(nodes_[i]));
  nodes_ = std::move(nodes);
  EraseNodesAndCompact({});
}

void Graph::RebuildIndex() {
  value_index_.clear();
  node_index_.clear();
  for (ValueId id = 0; id < num_values(); ++id) value_index_[values_[id].name] = id;
  for (int i = 0; i < num_nodes(); ++i) node_index_[nodes_[i].name] = i;
}

bool Graph::StructurallyEqual(const Graph& o) const {
  if (values_.size() != o.values_.size() || nodes_.size() != o.nodes_.size() ||
      inputs_ != o.inputs_ || outputs_ != o.outputs_) {
    return false;
  }
  for (size_t i = 0; i < values_.size(); ++i) {
    const Value& a = values_[i];
    const Value& b = o.values_[i];
    if (a.name != b.name || a.kind != b.kind || a.type != b.type || a.producer != b.producer ||
        (a.data == nullptr) != (b.data == nullptr) ||
        (a.data != nullptr && (a.data->bytes != b.data->bytes ||
                               a.data->is_reference != b.data->is_reference ||
                               (a.data->is_reference && a.data->hash != b.data->hash)))) {
      return false;
    }
  }
  for (size_t i = 0; i < nodes_.size(); ++i) {
    const Node& a = nodes_[i];
    const Node& b = o.nodes_[i];
    if (a.name != b.name || a.op != b.op || a.inputs != b.inputs || a.outputs != b.outputs ||
        a.attrs != b.attrs) {
      return false;
    }
  }
  return true;
}

}  // namespace imcc::ir
