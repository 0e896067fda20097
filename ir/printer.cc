#include "ir/printer.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace imcc::ir {
namespace {

std::string Quote(absl::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f) {
      absl::StrAppendFormat(&out, "\\x%02x", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string V(const Graph& g, ValueId id) { return "%" + QuoteName(g.value(id).name); }

}  // namespace

std::string QuoteName(absl::string_view name) {
  bool bare = !name.empty();
  for (char c : name) {
    if (!absl::ascii_isalnum(c) && c != '_' && c != '.') bare = false;
  }
  return bare ? std::string(name) : Quote(name);
}

std::string PrintModule(const Module& module, const PrintOptions& options) {
  const Graph& g = module.graph();
  std::string out = absl::StrCat("module @", QuoteName(module.name()), " {\n");
  for (const auto& [k, v] : module.metadata()) {
    absl::StrAppend(&out, "  metadata ", Quote(k), " = ", Quote(v), "\n");
  }
  for (ValueId id : g.inputs()) {
    absl::StrAppend(&out, "  input ", V(g, id), " : ", TypeToString(g.value(id).type), "\n");
  }
  for (ValueId id = 0; id < g.num_values(); ++id) {
    const Value& v = g.value(id);
    if (v.kind != ValueKind::kWeight) continue;
    absl::StrAppend(&out, "  weight ", V(g, id), " : ", TypeToString(v.type));
    if (v.data != nullptr) {
      if (v.data->is_reference) {
        absl::StrAppend(&out, " = dense<ref ", absl::StrFormat("%016x", v.data->hash), " ",
                        v.data->reference_size, " bytes>");
      } else if (options.elide_weight_data) {
        absl::StrAppend(&out, " = dense<elided ", v.data->bytes.size(), " bytes>");
      } else {
        absl::StrAppend(&out, " = dense<\"", absl::BytesToHexString(v.data->bytes), "\">");
      }
    }
    out += "\n";
  }
  for (const Node& n : g.nodes()) {
    out += "  ";
    out += absl::StrJoin(n.outputs, ", ",
                         [&](std::string* o, ValueId id) { o->append(V(g, id)); });
    absl::StrAppend(&out, " = ", OpName(n.op), "(",
                    absl::StrJoin(n.inputs, ", ",
                                  [&](std::string* o, ValueId id) { o->append(V(g, id)); }),
                    ")");
    if (!n.attrs.empty()) {
      out += " {";
      out += absl::StrJoin(n.attrs, ", ", [](std::string* o, const auto& kv) {
        absl::StrAppend(o, kv.first, "=", AttributeToString(kv.second));
      });
      out += "}";
    }
    absl::StrAppend(&out, " : ",
                    absl::StrJoin(n.outputs, ", ",
                                  [&](std::string* o, ValueId id) {
                                    o->append(TypeToString(g.value(id).type));
                                  }),
                    " @", QuoteName(n.name), "\n");
  }
  if (!g.outputs().empty()) {
    absl::StrAppend(&out, "  output ",
                    absl::StrJoin(g.outputs(), ", ",
                                  [&](std::string* o, ValueId id) { o->append(V(g, id)); }),
                    "\n");
  }
  out += "}\n";
  return out;
}

}  // namespace imcc::ir
