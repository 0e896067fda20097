#include "frontends/onnx/tensor_io.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "ir/support/status_macros.h"
#include "onnx/onnx_pb.h"

namespace imcc::frontends {
namespace {

absl::StatusOr<ir::DType> DTypeOf(int t) {
  switch (t) {
    case onnx::TensorProto::FLOAT: return ir::DType::kF32;
    case onnx::TensorProto::FLOAT16: return ir::DType::kF16;
    case onnx::TensorProto::BFLOAT16: return ir::DType::kBF16;
    case onnx::TensorProto::INT64: return ir::DType::kI64;
    case onnx::TensorProto::INT32: return ir::DType::kI32;
    case onnx::TensorProto::INT8: return ir::DType::kI8;
    case onnx::TensorProto::UINT8: return ir::DType::kU8;
    case onnx::TensorProto::BOOL: return ir::DType::kBool;
    default: return absl::UnimplementedError(absl::StrCat("ONNX element type ", t));
  }
}

int OnnxTypeOf(ir::DType d) {
  switch (d) {
    case ir::DType::kF32: return onnx::TensorProto::FLOAT;
    case ir::DType::kF16: return onnx::TensorProto::FLOAT16;
    case ir::DType::kBF16: return onnx::TensorProto::BFLOAT16;
    case ir::DType::kI64: return onnx::TensorProto::INT64;
    case ir::DType::kI32: return onnx::TensorProto::INT32;
    case ir::DType::kI8: case ir::DType::kI4: return onnx::TensorProto::INT8;
    case ir::DType::kU8: return onnx::TensorProto::UINT8;
    case ir::DType::kBool: return onnx::TensorProto::BOOL;
  }
  return onnx::TensorProto::UNDEFINED;
}

}  // namespace

absl::StatusOr<ir::HostTensor> ReadTensorProtoFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return absl::NotFoundError(absl::StrCat(path, ": no such file"));
  std::stringstream buf;
  buf << f.rdbuf();
  onnx::TensorProto t;
  if (!t.ParseFromString(buf.str())) {
    return absl::DataLossError(absl::StrCat(path, ": not an ONNX TensorProto"));
  }
  absl::StatusOr<ir::DType> dt = DTypeOf(t.data_type());
  if (!dt.ok()) return absl::UnimplementedError(absl::StrCat(path, ": ", dt.status().message()));
  ir::TensorType type;
  type.dtype = *dt;
  type.shape.assign(t.dims().begin(), t.dims().end());
  const int64_t n = type.num_elements();
  ir::WeightData w;
  if (t.has_raw_data()) {
    w.bytes = t.raw_data();
  } else {
    const int width = ir::DTypeStorageBytes(*dt);
    auto put = [&](const void* p, size_t size) { w.bytes.append(static_cast<const char*>(p), size); };
    if (*dt == ir::DType::kF32) {
      for (float v : t.float_data()) put(&v, 4);
    } else if (*dt == ir::DType::kI64) {
      for (int64_t v : t.int64_data()) put(&v, 8);
    } else {
      for (int32_t v : t.int32_data()) put(&v, width);
    }
  }
  if (static_cast<int64_t>(w.bytes.size()) != n * ir::DTypeStorageBytes(*dt)) {
    return absl::DataLossError(absl::StrCat(path, ": tensor '", t.name(), "' has ", w.bytes.size(),
                                            " bytes of data for ", n, " elements"));
  }
  return ir::DecodeWeight(type, w);
}

absl::Status WriteTensorProtoFile(const std::string& path, const ir::HostTensor& tensor,
                                  const std::string& name) {
  onnx::TensorProto t;
  t.set_name(name);
  t.set_data_type(OnnxTypeOf(tensor.type.dtype));
  for (int64_t d : tensor.type.shape) t.add_dims(d);
  t.set_raw_data(ir::EncodeTensor(tensor));
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f || !t.SerializeToOstream(&f)) return absl::PermissionDeniedError(absl::StrCat("cannot write '", path, "'"));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return absl::PermissionDeniedError(absl::StrCat("cannot rename into '", path, "'"));
  }
  return absl::OkStatus();
}

}  // namespace imcc::frontends
