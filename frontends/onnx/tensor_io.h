// Reads and writes ONNX TensorProto files (the input_N.pb / output_N.pb of
// ONNX's backend test data, and --verify inputs) as host tensors.
#ifndef IMCC_FRONTENDS_ONNX_TENSOR_IO_H_
#define IMCC_FRONTENDS_ONNX_TENSOR_IO_H_

#include <string>

#include "absl/status/statusor.h"
#include "ir/interpreter.h"

namespace imcc::frontends {

// NotFound for a missing file; DataLoss if it is not a TensorProto;
// Unimplemented for an element type imcc has no dtype for.
absl::StatusOr<ir::HostTensor> ReadTensorProtoFile(const std::string& path);

// Writes `tensor` as a TensorProto (raw_data), atomically.
absl::Status WriteTensorProtoFile(const std::string& path, const ir::HostTensor& tensor,
                                  const std::string& name);

}  // namespace imcc::frontends

#endif  // IMCC_FRONTENDS_ONNX_TENSOR_IO_H_
