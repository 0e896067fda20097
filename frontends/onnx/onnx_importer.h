// Imports an ONNX model file into an ir::Module using the system libonnx:
// protobuf parsing, the ONNX checker and shape inference (whose shapes are
// cross-checked against imcc's), opset handling, and folding of the shape
// computations PyTorch exports (Shape/Gather/Unsqueeze/Concat -> Reshape).
#ifndef IMCC_FRONTENDS_ONNX_ONNX_IMPORTER_H_
#define IMCC_FRONTENDS_ONNX_ONNX_IMPORTER_H_

#include <string>

#include "absl/status/statusor.h"
#include "ir/module.h"

namespace imcc::frontends {

struct OnnxImportOptions {
  // Import every initializer without its data, even if it has some.
  bool shape_only = false;
};

// Returns the imported, verified module. Errors name the file and, where it
// applies, the node:
//   NotFound         the file does not exist;
//   InvalidArgument  empty, truncated or not ONNX; checker failure; symbolic
//                    input dims; a shape computation that cannot be folded;
//   Unimplemented    an op type (or op variant) imcc does not support, e.g.
//                    "model.onnx: node 'n1' has unsupported op type 'NonZero'".
// Initializers whose data is absent (external data not present, or
// `shape_only`) become shape-only weights.
absl::StatusOr<ir::Module> ImportOnnxFile(const std::string& path,
                                          const OnnxImportOptions& options = {});

// Returns true if `header` (the file's first bytes) looks like an ONNX
// ModelProto or the name ends in ".onnx".
bool LooksLikeOnnx(const std::string& path, const std::string& header);

}  // namespace imcc::frontends

#endif  // IMCC_FRONTENDS_ONNX_ONNX_IMPORTER_H_
