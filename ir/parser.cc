#include "ir/parser.h"

#include <cmath>
#include <cstdlib>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "ir/support/status_macros.h"

namespace imcc::ir {
namespace {

class Parser {
 public:
  explicit Parser(absl::string_view text) : text_(text) {}

  absl::StatusOr<Module> Parse();

 private:
  struct PendingNode {
    int index;
    std::vector<std::string> inputs;
    std::vector<std::pair<int, int>> positions;  // line, col per input
  };

  absl::Status Error(absl::string_view what) const {
    int line = 1, col = 1;
    for (size_t i = 0; i < pos_ && i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    return absl::InvalidArgumentError(absl::StrCat("line ", line, ":", col, ": ", what));
  }

  void SkipSpace() {
    while (pos_ < text_.size()) {
      if (absl::ascii_isspace(text_[pos_])) {
        ++pos_;
      } else if (text_.substr(pos_, 2) == "//") {
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
      } else {
        break;
      }
    }
  }
  bool AtEnd() {
    SkipSpace();
    return pos_ >= text_.size();
  }
  char Peek() {
    SkipSpace();
    return pos_ < text_.size() ? text_[pos_] : '\0';
  }
  bool Consume(char c) {
    if (Peek() != c) return false;
    ++pos_;
    return true;
  }
  absl::Status Expect(char c) {
    if (!Consume(c)) {
      return Error(absl::StrCat("expected '", std::string(1, c), "', found ", Describe()));
    }
    return absl::OkStatus();
  }
  std::string Describe() {
    if (AtEnd()) return "end of input";
    size_t end = pos_;
    while (end < text_.size() && end - pos_ < 12 && !absl::ascii_isspace(text_[end])) ++end;
    return absl::StrCat("'", text_.substr(pos_, end - pos_), "'");
  }
  static bool IsIdentChar(char c) { return absl::ascii_isalnum(c) || c == '_' || c == '.'; }

  absl::StatusOr<std::string> Ident() {
    SkipSpace();
    size_t start = pos_;
    while (pos_ < text_.size() && IsIdentChar(text_[pos_])) ++pos_;
    if (start == pos_) return Error(absl::StrCat("expected an identifier, found ", Describe()));
    return std::string(text_.substr(start, pos_ - start));
  }
  bool ConsumeKeyword(absl::string_view kw) {
    SkipSpace();
    if (text_.substr(pos_, kw.size()) != kw) return false;
    const size_t after = pos_ + kw.size();
    if (after < text_.size() && IsIdentChar(text_[after])) return false;
    pos_ = after;
    return true;
  }
  absl::StatusOr<std::string> QuotedString() {
    IMCC_RETURN_IF_ERROR(Expect('"'));
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      char c = text_[pos_++];
      if (c == '\\') {
        if (pos_ >= text_.size()) break;
        char e = text_[pos_++];
        if (e == 'x') {
          if (pos_ + 2 > text_.size()) return Error("bad \\x escape");
          std::string hex(text_.substr(pos_, 2));
          pos_ += 2;
          char* end = nullptr;
          long v = std::strtol(hex.c_str(), &end, 16);
          if (end != hex.c_str() + 2) return Error("bad \\x escape");
          out += static_cast<char>(v);
        } else {
          out += e;
        }
      } else {
        out += c;
      }
    }
    if (pos_ >= text_.size()) return Error("unterminated string");
    ++pos_;
    return out;
  }
  // A name after a sigil: bare identifier or quoted string.
  absl::StatusOr<std::string> Name(char sigil) {
    if (!Consume(sigil)) {
      return Error(absl::StrCat("expected '", std::string(1, sigil), "name', found ", Describe()));
    }
    if (pos_ < text_.size() && text_[pos_] == '"') return QuotedString();
    size_t start = pos_;
    while (pos_ < text_.size() && IsIdentChar(text_[pos_])) ++pos_;
    if (start == pos_) return Error("expected a name");
    return std::string(text_.substr(start, pos_ - start));
  }

  // A number token: ints, floats, inf, -inf, nan. `is_float` tells which.
  absl::StatusOr<std::string> NumberToken(bool* is_float) {
    SkipSpace();
    size_t start = pos_;
    if (pos_ < text_.size() && (text_[pos_] == '-' || text_[pos_] == '+')) ++pos_;
    while (pos_ < text_.size() &&
           (absl::ascii_isalnum(text_[pos_]) || text_[pos_] == '.' ||
            ((text_[pos_] == '-' || text_[pos_] == '+') &&
             (text_[pos_ - 1] == 'e' || text_[pos_ - 1] == 'E')))) {
      ++pos_;
    }
    std::string tok(text_.substr(start, pos_ - start));
    if (tok.empty() || tok == "-" || tok == "+") {
      return Error(absl::StrCat("expected a number, found ", Describe()));
    }
    *is_float = tok.find_first_of(".eEn") != std::string::npos;
    return tok;
  }
  absl::StatusOr<int64_t> Int() {
    bool is_float;
    size_t at = pos_;
    IMCC_ASSIGN_OR_RETURN(std::string tok, NumberToken(&is_float));
    char* end = nullptr;
    errno = 0;
    long long v = std::strtoll(tok.c_str(), &end, 10);
    if (is_float || *end != '\0' || errno != 0) {
      pos_ = at;
      return Error(absl::StrCat("expected an integer, found '", tok, "'"));
    }
    return v;
  }
  absl::StatusOr<double> Float() {
    bool is_float;
    IMCC_ASSIGN_OR_RETURN(std::string tok, NumberToken(&is_float));
    char* end = nullptr;
    double v = std::strtod(tok.c_str(), &end);
    if (*end != '\0') return Error(absl::StrCat("expected a number, found '", tok, "'"));
    return v;
  }

  absl::StatusOr<TensorType> Type();
  absl::StatusOr<Attribute> AttrValue();
  absl::Status Statement(Module& module);

  absl::string_view text_;
  size_t pos_ = 0;
  std::vector<PendingNode> pending_;
  std::vector<std::pair<std::string, std::pair<size_t, size_t>>> pending_outputs_;
};

absl::StatusOr<TensorType> Parser::Type() {
  TensorType t;
  IMCC_ASSIGN_OR_RETURN(std::string dtype, Ident());
  absl::StatusOr<DType> dt = DTypeFromName(dtype);
  if (!dt.ok()) return Error(dt.status().message());
  t.dtype = *dt;
  IMCC_RETURN_IF_ERROR(Expect('['));
  if (!Consume(']')) {
    do {
      IMCC_ASSIGN_OR_RETURN(int64_t d, Int());
      t.shape.push_back(d);
    } while (Consume(','));
    IMCC_RETURN_IF_ERROR(Expect(']'));
  }
  if (Consume('{')) {
    if (!ConsumeKeyword("q")) return Error("expected 'q' to start quantisation parameters");
    QuantParams q;
    while (!Consume('}')) {
      IMCC_ASSIGN_OR_RETURN(std::string key, Ident());
      IMCC_RETURN_IF_ERROR(Expect('='));
      if (key == "axis") {
        IMCC_ASSIGN_OR_RETURN(int64_t a, Int());
        q.axis = static_cast<int>(a);
      } else if (key == "scales" || key == "zps") {
        IMCC_RETURN_IF_ERROR(Expect('['));
        if (!Consume(']')) {
          do {
            if (key == "scales") {
              IMCC_ASSIGN_OR_RETURN(double s, Float());
              q.scales.push_back(static_cast<float>(s));
            } else {
              IMCC_ASSIGN_OR_RETURN(int64_t z, Int());
              q.zero_points.push_back(static_cast<int32_t>(z));
            }
          } while (Consume(','));
          IMCC_RETURN_IF_ERROR(Expect(']'));
        }
      } else {
        return Error(absl::StrCat("unknown quantisation key '", key, "'"));
      }
    }
    t.quant = std::move(q);
  }
  return t;
}

absl::StatusOr<Attribute> Parser::AttrValue() {
  char c = Peek();
  if (c == '"') {
    IMCC_ASSIGN_OR_RETURN(std::string s, QuotedString());
    return Attribute(std::move(s));
  }
  if (c == '[') {
    ++pos_;
    std::vector<std::string> toks;
    bool any_float = false;
    if (!Consume(']')) {
      do {
        bool is_float;
        IMCC_ASSIGN_OR_RETURN(std::string tok, NumberToken(&is_float));
        any_float |= is_float;
        toks.push_back(std::move(tok));
      } while (Consume(','));
      IMCC_RETURN_IF_ERROR(Expect(']'));
    }
    if (any_float) {
      std::vector<double> v;
      for (const auto& t : toks) v.push_back(std::strtod(t.c_str(), nullptr));
      return Attribute(std::move(v));
    }
    std::vector<int64_t> v;
    for (const auto& t : toks) {
      char* end = nullptr;
      v.push_back(std::strtoll(t.c_str(), &end, 10));
      if (*end != '\0') return Error(absl::StrCat("bad integer '", t, "'"));
    }
    return Attribute(std::move(v));
  }
  bool is_float;
  IMCC_ASSIGN_OR_RETURN(std::string tok, NumberToken(&is_float));
  char* end = nullptr;
  if (is_float) {
    double v = std::strtod(tok.c_str(), &end);
    if (*end != '\0') return Error(absl::StrCat("bad number '", tok, "'"));
    return Attribute(v);
  }
  long long v = std::strtoll(tok.c_str(), &end, 10);
  if (*end != '\0') return Error(absl::StrCat("bad integer '", tok, "'"));
  return Attribute(static_cast<int64_t>(v));
}

absl::Status Parser::Statement(Module& module) {
  Graph& g = module.graph();
  if (ConsumeKeyword("metadata")) {
    IMCC_ASSIGN_OR_RETURN(std::string k, QuotedString());
    IMCC_RETURN_IF_ERROR(Expect('='));
    IMCC_ASSIGN_OR_RETURN(std::string v, QuotedString());
    module.mutable_metadata()[k] = v;
    return absl::OkStatus();
  }
  if (ConsumeKeyword("input") || ConsumeKeyword("weight")) {
    const bool is_input = text_.substr(pos_ - 5, 5) == "input";
    IMCC_ASSIGN_OR_RETURN(std::string name, Name('%'));
    IMCC_RETURN_IF_ERROR(Expect(':'));
    IMCC_ASSIGN_OR_RETURN(TensorType type, Type());
    std::shared_ptr<const WeightData> data;
    if (!is_input && Consume('=')) {
      if (!ConsumeKeyword("dense")) return Error("expected 'dense<\"hex\">'");
      IMCC_RETURN_IF_ERROR(Expect('<'));
      if (ConsumeKeyword("elided")) {
        return Error(absl::StrCat("weight '", name, "' has elided data; it cannot be parsed"));
      }
      IMCC_ASSIGN_OR_RETURN(std::string hex, QuotedString());
      IMCC_RETURN_IF_ERROR(Expect('>'));
      for (char ch : hex) {
        if (!absl::ascii_isxdigit(ch)) return Error(absl::StrCat("weight '", name, "': bad hex data"));
      }
      if (hex.size() % 2 != 0) return Error(absl::StrCat("weight '", name, "': odd hex length"));
      data = MakeWeightData(absl::HexStringToBytes(hex));
    }
    absl::StatusOr<ValueId> id = is_input ? g.AddInput(name, std::move(type))
                                          : g.AddWeight(name, std::move(type), std::move(data));
    if (!id.ok()) return Error(id.status().message());
    return absl::OkStatus();
  }
  if (ConsumeKeyword("output")) {
    do {
      size_t at = pos_;
      IMCC_ASSIGN_OR_RETURN(std::string name, Name('%'));
      pending_outputs_.push_back({name, {at, 0}});
    } while (Consume(','));
    return absl::OkStatus();
  }
  // %a, %b = op.name(%x, ...) {k=v, ...} : type, type @name
  std::vector<std::string> results;
  do {
    IMCC_ASSIGN_OR_RETURN(std::string r, Name('%'));
    results.push_back(std::move(r));
  } while (Consume(','));
  IMCC_RETURN_IF_ERROR(Expect('='));
  const size_t op_pos = pos_;
  IMCC_ASSIGN_OR_RETURN(std::string op_name, Ident());
  std::optional<Op> op = OpFromName(op_name);
  if (!op.has_value()) {
    pos_ = op_pos;
    SkipSpace();
    return Error(absl::StrCat("unknown op '", op_name, "'"));
  }
  IMCC_RETURN_IF_ERROR(Expect('('));
  PendingNode pending;
  if (!Consume(')')) {
    do {
      SkipSpace();
      pending.positions.push_back({static_cast<int>(pos_), 0});
      IMCC_ASSIGN_OR_RETURN(std::string in, Name('%'));
      pending.inputs.push_back(std::move(in));
    } while (Consume(','));
    IMCC_RETURN_IF_ERROR(Expect(')'));
  }
  AttributeMap attrs;
  if (Consume('{')) {
    if (!Consume('}')) {
      do {
        const size_t key_pos = pos_;
        IMCC_ASSIGN_OR_RETURN(std::string key, Ident());
        const AttrSpec* spec = FindAttrSpec(*op, key);
        if (spec == nullptr) {
          pos_ = key_pos;
          SkipSpace();
          return Error(absl::StrCat(op_name, " has no attribute '", key, "'"));
        }
        IMCC_RETURN_IF_ERROR(Expect('='));
        IMCC_ASSIGN_OR_RETURN(Attribute value, AttrValue());
        // "[]" reads as ints; give it the declared list type.
        if (spec->type == AttrType::kFloats && value.type() == AttrType::kInts) {
          std::vector<double> f(value.ints().begin(), value.ints().end());
          value = Attribute(std::move(f));
        }
        if (spec->type == AttrType::kFloat && value.type() == AttrType::kInt) {
          value = Attribute(static_cast<double>(value.i()));
        }
        attrs[key] = std::move(value);
      } while (Consume(','));
      IMCC_RETURN_IF_ERROR(Expect('}'));
    }
  }
  IMCC_RETURN_IF_ERROR(Expect(':'));
  std::vector<TensorType> types;
  do {
    IMCC_ASSIGN_OR_RETURN(TensorType t, Type());
    types.push_back(std::move(t));
  } while (Consume(','));
  IMCC_ASSIGN_OR_RETURN(std::string node_name, Name('@'));
  if (types.size() != results.size()) {
    return Error(absl::StrCat("node '", node_name, "' has ", results.size(), " results but ",
                              types.size(), " types"));
  }
  absl::StatusOr<int> index =
      g.AddNode(*op, node_name, {}, std::move(results), std::move(types), std::move(attrs));
  if (!index.ok()) return Error(index.status().message());
  pending.index = *index;
  pending_.push_back(std::move(pending));
  return absl::OkStatus();
}

absl::StatusOr<Module> Parser::Parse() {
  Module module;
  if (!ConsumeKeyword("module")) return Error(absl::StrCat("expected 'module', found ", Describe()));
  IMCC_ASSIGN_OR_RETURN(std::string name, Name('@'));
  module.set_name(std::move(name));
  IMCC_RETURN_IF_ERROR(Expect('{'));
  while (!Consume('}')) {
    if (AtEnd()) return Error("expected '}' to close the module");
    IMCC_RETURN_IF_ERROR(Statement(module));
  }
  if (!AtEnd()) return Error(absl::StrCat("unexpected ", Describe(), " after the module"));
  Graph& g = module.graph();
  for (const PendingNode& p : pending_) {
    Node& node = g.mutable_node(p.index);
    for (size_t i = 0; i < p.inputs.size(); ++i) {
      ValueId id = g.FindValue(p.inputs[i]);
      if (id == kNoValue) {
        pos_ = p.positions[i].first;
        return Error(absl::StrCat("node '", node.name, "' uses undefined value '%", p.inputs[i], "'"));
      }
      node.inputs.push_back(id);
    }
  }
  for (const auto& [out, at] : pending_outputs_) {
    ValueId id = g.FindValue(out);
    if (id == kNoValue) {
      pos_ = at.first;
      return Error(absl::StrCat("output refers to undefined value '%", out, "'"));
    }
    g.AddOutput(id);
  }
  return module;
}

}  // namespace

absl::StatusOr<Module> ParseModule(absl::string_view text) { return Parser(text).Parse(); }

}  // namespace imcc::ir
