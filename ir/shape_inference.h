// Result-type inference for every op in ops.def, dispatched on the table's
// `rule` column. The verifier checks declared result types against it; the
// frontends use it to type the nodes they build.
#ifndef IMCC_IR_SHAPE_INFERENCE_H_
#define IMCC_IR_SHAPE_INFERENCE_H_

#include <vector>

#include "absl/status/statusor.h"
#include "ir/module.h"

namespace imcc::ir {

// Returns the result types of `op` applied to operands of `input_types` with
// `attrs` (defaults from attrs.def fill missing ones). InvalidArgument names
// the offending operand or attribute ("input 1 (weight) has rank 3, expected
// 4"); the caller prefixes the node.
absl::StatusOr<std::vector<TensorType>> InferResultTypes(
    Op op, const std::vector<TensorType>& input_types, const AttributeMap& attrs);

// Same, for an existing node of `graph`.
absl::StatusOr<std::vector<TensorType>> InferResultTypes(const Graph& graph, const Node& node);

// True for a product (conv, gemm, matmul) of two quantised operands: its
// result may be declared as any float type (real values) or as a quantised
// integer type (requantised); inference reports f32.
bool QuantisedProduct(Op op, const std::vector<TensorType>& input_types);

// Returns the flat index into a tensor of shape `in` that numpy
// broadcasting reads for flat index `flat` of the broadcast shape `out`.
int64_t BroadcastIndex(int64_t flat, const Shape& out, const Shape& in);

// Returns the numpy broadcast of `a` and `b`, or InvalidArgument.
absl::StatusOr<Shape> BroadcastShapes(const Shape& a, const Shape& b);

}  // namespace imcc::ir

#endif  // IMCC_IR_SHAPE_INFERENCE_H_
