// Element types, shapes, quantisation parameters and tensor types of the IR,
// with their text spelling ("f32[1,3,224,224]"). Values and graphs are in
// module.h.
#ifndef IMCC_IR_TYPES_H_
#define IMCC_IR_TYPES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace imcc::ir {

// Element types. i4 is stored one value per byte (sign-extended) in memory
// and packed two per byte only by backends that say so.
enum class DType : int { kF32, kF16, kBF16, kI64, kI32, kI8, kU8, kI4, kBool };

// Returns "f32", "i8", ...
absl::string_view DTypeName(DType dtype);
// Returns the dtype spelled `name`; InvalidArgument for an unknown spelling.
absl::StatusOr<DType> DTypeFromName(absl::string_view name);
// Returns the storage size of one element in bits (i4: 4, bool: 8).
int DTypeBits(DType dtype);
// Returns the bytes one element occupies in an in-memory buffer (i4: 1).
int DTypeStorageBytes(DType dtype);
bool IsFloat(DType dtype);
bool IsInteger(DType dtype);

// Affine quantisation: real = scale * (q - zero_point). Per-tensor when
// `axis` is nullopt (one scale), otherwise one scale per index of `axis`.
struct QuantParams {
  std::optional<int> axis;
  std::vector<float> scales;
  std::vector<int32_t> zero_points;  // empty = all zero
  bool operator==(const QuantParams& o) const {
    return axis == o.axis && scales == o.scales && zero_points == o.zero_points;
  }
};

using Shape = std::vector<int64_t>;

// Returns the number of elements (1 for a scalar).
int64_t NumElements(const Shape& shape);
// Returns "[1,3,224,224]".
std::string ShapeToString(const Shape& shape);

struct TensorType {
  DType dtype = DType::kF32;
  Shape shape;
  std::optional<QuantParams> quant;

  int64_t num_elements() const { return NumElements(shape); }
  int rank() const { return static_cast<int>(shape.size()); }
  // Bytes of the payload at the dtype's bit width (i4 packed: rounded up).
  int64_t SizeInBytes() const;
  bool operator==(const TensorType& o) const {
    return dtype == o.dtype && shape == o.shape && quant == o.quant;
  }
  bool operator!=(const TensorType& o) const { return !(*this == o); }
};

// Returns the text spelling: "f32[2,3]", "i8[64]{q axis=0 scales=[..] zps=[..]}".
std::string TypeToString(const TensorType& type);

// Formats a float so that parsing it back gives the same bits.
std::string FormatFloat(double value);

}  // namespace imcc::ir

#endif  // IMCC_IR_TYPES_H_
