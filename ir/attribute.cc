#include "ir/attribute.h"

#include <limits>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "ir/types.h"

namespace imcc::ir {
namespace {

Attribute Required() { return Attribute(); }
Attribute Ints(std::vector<int64_t> v) { return Attribute(std::move(v)); }

struct SpecTable {
  std::vector<AttrSpec> specs;
  // [begin, end) into specs for each op.
  std::vector<std::pair<int, int>> ranges;
};

const SpecTable& Table() {
  static const SpecTable* table = [] {
    auto* t = new SpecTable;
    t->specs = {
#define IMCC_ATTR(kOp, name, Type, def, doc) {Op::kOp, name, AttrType::k##Type, def, doc},
#include "ir/attrs.def"
#undef IMCC_ATTR
    };
    t->ranges.assign(kNumOps, {0, 0});
    for (int i = 0; i < static_cast<int>(t->specs.size()); ++i) {
      auto& r = t->ranges[static_cast<int>(t->specs[i].op)];
      if (r.first == r.second) r = {i, i};
      r.second = i + 1;
    }
    return t;
  }();
  return *table;
}

std::string FloatText(double v) {
  std::string s = FormatFloat(v);
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";  // "inf"/"nan" contain 'n'
  return s;
}

}  // namespace

absl::string_view AttrTypeName(AttrType type) {
  switch (type) {
    case AttrType::kInt: return "int";
    case AttrType::kFloat: return "float";
    case AttrType::kString: return "string";
    case AttrType::kInts: return "ints";
    case AttrType::kFloats: return "floats";
  }
  return "?";
}

std::string AttributeToString(const Attribute& attr) {
  if (attr.empty()) return "<none>";
  switch (attr.type()) {
    case AttrType::kInt: return absl::StrCat(attr.i());
    case AttrType::kFloat: return FloatText(attr.f());
    case AttrType::kString: {
      std::string out = "\"";
      for (char c : attr.s()) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
      }
      return out + "\"";
    }
    case AttrType::kInts: return absl::StrCat("[", absl::StrJoin(attr.ints(), ","), "]");
    case AttrType::kFloats:
      return absl::StrCat(
          "[",
          absl::StrJoin(attr.floats(), ",",
                        [](std::string* o, double v) { o->append(FloatText(v)); }),
          "]");
  }
  return "";
}

absl::Span<const AttrSpec> GetAttrSpecs(Op op) {
  const SpecTable& t = Table();
  auto [b, e] = t.ranges[static_cast<int>(op)];
  return absl::MakeConstSpan(t.specs.data() + b, e - b);
}

const AttrSpec* FindAttrSpec(Op op, absl::string_view name) {
  for (const AttrSpec& s : GetAttrSpecs(op)) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

}  // namespace imcc::ir
