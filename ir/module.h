// The IR container: a Module holding one Graph of SSA values (graph inputs,
// weights, node results) and nodes in program order. Graph algorithms are in
// graph_algorithms.h, checking in verifier.h, text in printer.h/parser.h.
#ifndef IMCC_IR_MODULE_H_
#define IMCC_IR_MODULE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "ir/attribute.h"
#include "ir/op.h"
#include "ir/types.h"

namespace imcc::ir {

using ValueId = int32_t;
inline constexpr ValueId kNoValue = -1;

enum class ValueKind : int { kInput, kWeight, kNodeResult };

// Immutable weight payload, shared (not copied) between module copies and
// passes. `bytes` holds the elements little-endian at DTypeStorageBytes each.
struct WeightData {
  std::string bytes;
  uint64_t hash = 0;  // FNV-1a 64 of `bytes`: the content reference.
  // A reference received across the plugin ABI without its payload: `bytes`
  // is empty, `hash` and `reference_size` name the host-held payload. Only
  // passes that declare reads_weights see real bytes.
  bool is_reference = false;
  int64_t reference_size = 0;
};

// Returns a new payload over `bytes`, with its hash computed.
std::shared_ptr<const WeightData> MakeWeightData(std::string bytes);
// Returns a payload-less reference to a host-held payload.
std::shared_ptr<const WeightData> MakeWeightReference(uint64_t hash, int64_t size);
// Returns the FNV-1a 64-bit hash of `bytes` (stable across processes).
uint64_t ContentHash(absl::string_view bytes);

struct Value {
  std::string name;
  TensorType type;
  ValueKind kind = ValueKind::kNodeResult;
  int producer = -1;                        // node index, for kNodeResult
  std::shared_ptr<const WeightData> data;   // kWeight: null = shape-only
};

struct Node {
  std::string name;  // unique, stable: carried from the source model
  Op op = Op::kIdentity;
  std::vector<ValueId> inputs;
  std::vector<ValueId> outputs;
  AttributeMap attrs;  // only explicitly set values; defaults from attrs.def

  // Return the attribute or its declared default. Precondition: declared
  // with that type (the verifier guarantees it for verified modules).
  int64_t GetInt(absl::string_view name) const;
  double GetFloat(absl::string_view name) const;
  const std::string& GetString(absl::string_view name) const;
  const std::vector<int64_t>& GetInts(absl::string_view name) const;
  const Attribute& Get(absl::string_view name) const;
  // Sets `name` = `value`; a value equal to the default is dropped, so the
  // map stays canonical.
  void Set(absl::string_view name, Attribute value);
};

// A dataflow graph. Not thread-safe; copyable (weight payloads are shared).
class Graph {
 public:
  // Add a value. Names must be unique; these return AlreadyExists otherwise.
  absl::StatusOr<ValueId> AddInput(std::string name, TensorType type);
  absl::StatusOr<ValueId> AddWeight(std::string name, TensorType type,
                                    std::shared_ptr<const WeightData> data);
  // Adds a node whose results are new values named `output_names` with
  // types `output_types`. Returns the node index.
  absl::StatusOr<int> AddNode(Op op, std::string name, std::vector<ValueId> inputs,
                              std::vector<std::string> output_names,
                              std::vector<TensorType> output_types,
                              AttributeMap attrs = {});
  void AddOutput(ValueId id) { outputs_.push_back(id); }
  void SetOutputs(std::vector<ValueId> ids) { outputs_ = std::move(ids); }

  const std::vector<Value>& values() const { return values_; }
  const std::vector<Node>& nodes() const { return nodes_; }
  const std::vector<ValueId>& inputs() const { return inputs_; }
  const std::vector<ValueId>& outputs() const { return outputs_; }
  const Value& value(ValueId id) const { return values_[id]; }
  Value& mutable_value(ValueId id) { return values_[id]; }
  const Node& node(int index) const { return nodes_[index]; }
  Node& mutable_node(int index) { return nodes_[index]; }
  int num_nodes() const { return static_cast<int>(nodes_.size()); }
  int num_values() const { return static_cast<int>(values_.size()); }

  // Returns the value called `name`, or kNoValue.
  ValueId FindValue(absl::string_view name) const;
  // Returns the index of the node called `name`, or -1.
  int FindNode(absl::string_view name) const;
  // Returns a name not used by any value or node, based on `base`.
  std::string UniqueName(absl::string_view base) const;

  // Rewrites every use of `from` (node inputs and graph outputs) to `to`.
  void ReplaceAllUsesWith(ValueId from, ValueId to);
  // Returns, for each value, the number of node inputs plus graph outputs
  // that read it.
  std::vector<int> UseCounts() const;

  // Removes the nodes with dead[i] set, then every node result, weight and
  // nothing else that no remaining node or graph output reads (graph inputs
  // stay). Node order is kept; value ids are renumbered canonically.
  void EraseNodesAndCompact(const std::vector<bool>& dead);
  // Reorders nodes to `order` (a permutation of node indices); values are
  // renumbered canonically as by EraseNodesAndCompact.
  void PermuteNodes(const std::vector<int>& order);
  // Returns value ids in canonical order: graph inputs, weights (in id
  // order), then node results in node order. Serialisation and compaction
  // use it, so a compacted graph's ids are already canonical.
  std::vector<ValueId> CanonicalValueOrder() const;

  // Structural equality: same values (names, kinds, types, weight bytes),
  // nodes, attributes, inputs and outputs, in the same order.
  bool StructurallyEqual(const Graph& other) const;

 private:
  absl::StatusOr<ValueId> AddValue(Value value);
  void RebuildIndex();

  std::vector<Value> values_;
  std::vector<Node> nodes_;
  std::vector<ValueId> inputs_;
  std::vector<ValueId> outputs_;
  absl::flat_hash_map<std::string, ValueId> value_index_;
  absl::flat_hash_map<std::string, int> node_index_;
};

class Module {
 public:
  Module() = default;
  explicit Module(std::string name) : name_(std::move(name)) {}

  const std::string& name() const { return name_; }
  void set_name(std::string name) { name_ = std::move(name); }
  // Free-form provenance ("source", "producer", ...), printed sorted.
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  std::map<std::string, std::string>& mutable_metadata() { return metadata_; }
  const Graph& graph() const { return graph_; }
  Graph& graph() { return graph_; }

  bool StructurallyEqual(const Module& other) const {
    return name_ == other.name_ && metadata_ == other.metadata_ &&
           graph_.StructurallyEqual(other.graph_);
  }

 private:
  std::string name_ = "main";
  std::map<std::string, std::string> metadata_;
  Graph graph_;
};

}  // namespace imcc::ir

#endif  // IMCC_IR_MODULE_H_
