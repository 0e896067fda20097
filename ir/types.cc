#include "ir/types.h"

#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace imcc::ir {
namespace {

struct DTypeRow {
  DType dtype;
  absl::string_view name;
  int bits;
};

constexpr DTypeRow kDTypes[] = {
    {DType::kF32, "f32", 32}, {DType::kF16, "f16", 16}, {DType::kBF16, "bf16", 16},
    {DType::kI64, "i64", 64}, {DType::kI32, "i32", 32}, {DType::kI8, "i8", 8},
    {DType::kU8, "u8", 8},    {DType::kI4, "i4", 4},    {DType::kBool, "bool", 8},
};

}  // namespace

absl::string_view DTypeName(DType dtype) { return kDTypes[static_cast<int>(dtype)].name; }

absl::StatusOr<DType> DTypeFromName(absl::string_view name) {
  for (const DTypeRow& row : kDTypes) {
    if (row.name == name) return row.dtype;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown dtype '", name, "' (expected f32, f16, bf16, i64, i32, i8, u8, i4 or bool)"));
}

int DTypeBits(DType dtype) { return kDTypes[static_cast<int>(dtype)].bits; }

int DTypeStorageBytes(DType dtype) {
  return dtype == DType::kI4 ? 1 : DTypeBits(dtype) / 8;
}

bool IsFloat(DType dtype) {
  return dtype == DType::kF32 || dtype == DType::kF16 || dtype == DType::kBF16;
}

bool IsInteger(DType dtype) { return !IsFloat(dtype) && dtype != DType::kBool; }

int64_t NumElements(const Shape& shape) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

std::string ShapeToString(const Shape& shape) {
  return absl::StrCat("[", absl::StrJoin(shape, ","), "]");
}

int64_t TensorType::SizeInBytes() const {
  return (num_elements() * DTypeBits(dtype) + 7) / 8;
}

std::string FormatFloat(double value) {
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  if (std::isnan(value)) return "nan";
  // Shortest of %.{1..17}g that reads back exactly.
  for (int precision = 1; precision <= 17; ++precision) {
    std::string s = absl::StrFormat("%.*g", precision, value);
    if (std::strtod(s.c_str(), nullptr) == value) return s;
  }
  return absl::StrFormat("%.17g", value);
}

std::string TypeToString(const TensorType& type) {
  std::string out = absl::StrCat(DTypeName(type.dtype), ShapeToString(type.shape));
  if (type.quant.has_value()) {
    const QuantParams& q = *type.quant;
    absl::StrAppend(&out, "{q");
    if (q.axis.has_value()) absl::StrAppend(&out, " axis=", *q.axis);
    absl::StrAppend(&out, " scales=[",
                    absl::StrJoin(q.scales, ",",
                                  [](std::string* o, float s) { o->append(FormatFloat(s)); }),
                    "]");
    if (!q.zero_points.empty()) {
      absl::StrAppend(&out, " zps=[", absl::StrJoin(q.zero_points, ","), "]");
    }
    absl::StrAppend(&out, "}");
  }
  return out;
}

}  // namespace imcc::ir
