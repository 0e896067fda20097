// Node attributes: a small tagged value (int, float, string, ints, floats)
// and the per-op attribute schema generated from attrs.def.
#ifndef IMCC_IR_ATTRIBUTE_H_
#define IMCC_IR_ATTRIBUTE_H_

#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "ir/op.h"

namespace imcc::ir {

enum class AttrType : int { kInt, kFloat, kString, kInts, kFloats };

absl::string_view AttrTypeName(AttrType type);

// One attribute value. Floats are doubles and print exactly (FormatFloat).
class Attribute {
 public:
  using Storage = std::variant<std::monostate, int64_t, double, std::string,
                               std::vector<int64_t>, std::vector<double>>;
  Attribute() = default;
  explicit Attribute(int64_t v) : value_(v) {}
  explicit Attribute(double v) : value_(v) {}
  explicit Attribute(std::string v) : value_(std::move(v)) {}
  explicit Attribute(std::vector<int64_t> v) : value_(std::move(v)) {}
  explicit Attribute(std::vector<double> v) : value_(std::move(v)) {}

  bool empty() const { return value_.index() == 0; }
  // Precondition: !empty().
  AttrType type() const { return static_cast<AttrType>(value_.index() - 1); }

  int64_t i() const { return std::get<int64_t>(value_); }
  double f() const { return std::get<double>(value_); }
  const std::string& s() const { return std::get<std::string>(value_); }
  const std::vector<int64_t>& ints() const { return std::get<std::vector<int64_t>>(value_); }
  const std::vector<double>& floats() const { return std::get<std::vector<double>>(value_); }

  bool operator==(const Attribute& o) const { return value_ == o.value_; }
  bool operator!=(const Attribute& o) const { return !(value_ == o.value_); }

 private:
  Storage value_;
};

// Returns the text spelling: 3, 0.5, "s", [1,2], [0.5,1]. A float always
// carries a '.', 'e', "inf" or "nan" so it does not read back as an int.
std::string AttributeToString(const Attribute& attr);

// Sorted by name so that printing and serialisation are deterministic.
using AttributeMap = std::map<std::string, Attribute, std::less<>>;

struct AttrSpec {
  Op op;
  absl::string_view name;
  AttrType type;
  Attribute default_value;  // empty(): required
  absl::string_view doc;
  bool required() const { return default_value.empty(); }
};

// Returns the declared attributes of `op`, in attrs.def order.
absl::Span<const AttrSpec> GetAttrSpecs(Op op);
// Returns the declaration of `op`'s attribute `name`, or null.
const AttrSpec* FindAttrSpec(Op op, absl::string_view name);

}  // namespace imcc::ir

#endif  // IMCC_IR_ATTRIBUTE_H_
