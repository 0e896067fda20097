// The reference interpreter: executes a verified module on host tensors.
// Float ops compute in double and round every result to its dtype (f32
// results are exactly what a correctly rounded fp32 op of the double value
// gives); integer ops are exact. Quantised tensors (a quant type) are read
// as real = scale * (q - zero_point); conv, gemm and matmul whose operands
// are both quantised accumulate the integer products exactly and scale
// once, and results with a quant type are re-quantised (round half to even,
// clamp to the dtype's range). This is the semantics the crossbar
// functional simulator must match bit for bit.
#ifndef IMCC_IR_INTERPRETER_H_
#define IMCC_IR_INTERPRETER_H_

#include <functional>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "ir/module.h"

namespace imcc::ir {

// A host tensor: values held as doubles whatever the dtype (exact for
// every integer dtype up to 2^53, and for f16/bf16/f32).
struct HostTensor {
  TensorType type;
  std::vector<double> data;

  int64_t size() const { return type.num_elements(); }
};

// Returns a tensor of `type` with `data` rounded to the dtype.
HostTensor MakeHostTensor(TensorType type, std::vector<double> data);

// Decodes a weight payload (little-endian storage bytes) into a host tensor.
absl::StatusOr<HostTensor> DecodeWeight(const TensorType& type, const WeightData& data);

// Encodes a host tensor into storage bytes of its dtype.
std::string EncodeTensor(const HostTensor& tensor);

// Lets a caller execute chosen nodes itself (a hardware functional model):
// return nullopt to let the interpreter run the node, or the node's results.
using NodeOverride = std::function<std::optional<absl::StatusOr<std::vector<HostTensor>>>(
    const Node& node, const std::vector<const HostTensor*>& inputs)>;

struct InterpretOptions {
  NodeOverride override_node;  // optional
  // If set, receives every graph input and node result (indexed by
  // ValueId; weights are left empty: they are in the module).
  std::vector<HostTensor>* values = nullptr;
};

// Runs `module` on `inputs` (one per graph input, in order; types must
// match) and returns one tensor per graph output. FailedPrecondition if a
// weight the computation reads is shape-only; InvalidArgument for input
// mismatches; Unimplemented for an op variant not interpreted.
absl::StatusOr<std::vector<HostTensor>> Interpret(const Module& module,
                                                  const std::vector<HostTensor>& inputs,
                                                  const InterpretOptions& options = {});

// Returns `t`'s real values (dequantised when it has a quant type).
std::vector<double> RealValues(const HostTensor& t);

}  // namespace imcc::ir

#endif  // IMCC_IR_INTERPRETER_H_
