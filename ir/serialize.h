// Binary serialisation of modules as imcc.ir.ModuleProto bytes, the form in
// which they cross the plugin ABI (format tag kModuleFormat).
#ifndef IMCC_IR_SERIALIZE_H_
#define IMCC_IR_SERIALIZE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ir/module.h"

namespace imcc::ir {

inline constexpr absl::string_view kModuleFormat = "imcc.ir.v1";

enum class WeightMode {
  kInline,     // payloads travel in the bytes
  kReference,  // only hash + size travel; the receiver resolves by hash
};

// Returns the serialised module.
std::string SerializeModule(const Module& module, WeightMode mode = WeightMode::kInline);

// Resolves weight references by content hash. Not thread-safe.
using WeightStore = absl::flat_hash_map<uint64_t, std::shared_ptr<const WeightData>>;

// Adds every weight payload of `module` to `store`.
void CollectWeights(const Module& module, WeightStore& store);

// Returns the module in `bytes`. DataLoss if the bytes are not a ModuleProto
// or carry another format tag; InvalidArgument if they are inconsistent
// (unknown op, bad index). References are resolved from `store` (NotFound
// when absent); with no store they stay references (WeightData::is_reference)
// and serialise back as references.
absl::StatusOr<Module> DeserializeModule(absl::string_view bytes,
                                         const WeightStore* store = nullptr);

inline constexpr absl::string_view kTensorsFormat = "imcc.tensors.v1";

// Serialises tensors (type + storage bytes) as imcc.ir.TensorListProto.
std::string SerializeTensors(const std::vector<TensorType>& types, const std::vector<std::string>& data);
struct TensorBytes {
  TensorType type;
  std::string data;
};
// DataLoss for bytes that are not a TensorListProto of this format.
absl::StatusOr<std::vector<TensorBytes>> DeserializeTensors(absl::string_view bytes);

}  // namespace imcc::ir

#endif  // IMCC_IR_SERIALIZE_H_
