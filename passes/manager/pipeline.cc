#include "passes/manager/pipeline.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "ir/support/status_macros.h"

namespace imcc::passes {
namespace {

class PipelineParser {
 public:
  explicit PipelineParser(absl::string_view text) : text_(text) {}

  absl::StatusOr<std::vector<PipelineElement>> ParseAll() {
    std::vector<PipelineElement> out;
    SkipSpace();
    if (pos_ == text_.size()) return out;
    IMCC_ASSIGN_OR_RETURN(out, List());
    SkipSpace();
    if (pos_ != text_.size()) return Error(absl::StrCat("unexpected '", text_.substr(pos_, 1), "'"));
    return out;
  }

 private:
  absl::Status Error(absl::string_view what) const {
    return absl::InvalidArgumentError(
        absl::StrCat("pipeline '", text_, "' at column ", pos_ + 1, ": ", what));
  }
  void SkipSpace() {
    while (pos_ < text_.size() && absl::ascii_isspace(text_[pos_])) ++pos_;
  }
  bool Consume(char c) {
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  static bool NameChar(char c) {
    return absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.';
  }
  absl::StatusOr<std::string> Name(absl::string_view what) {
    SkipSpace();
    size_t start = pos_;
    while (pos_ < text_.size() && NameChar(text_[pos_])) ++pos_;
    if (start == pos_) {
      return Error(pos_ < text_.size() ? absl::StrCat("expected ", what, ", found '",
                                                      text_.substr(pos_, 1), "'")
                                       : absl::StrCat("expected ", what, " at end"));
    }
    return std::string(text_.substr(start, pos_ - start));
  }
  absl::StatusOr<std::vector<PipelineElement>> List() {
    std::vector<PipelineElement> out;
    do {
      IMCC_ASSIGN_OR_RETURN(PipelineElement e, Element());
      out.push_back(std::move(e));
    } while (Consume(','));
    return out;
  }
  absl::StatusOr<PipelineElement> Element() {
    PipelineElement e;
    if (Consume('@')) {
      e.kind = PipelineElement::Kind::kExtensionPoint;
      IMCC_ASSIGN_OR_RETURN(e.name, Name("an extension point name"));
      return e;
    }
    IMCC_ASSIGN_OR_RETURN(e.name, Name("a pass name"));
    if (e.name == "require" && Consume('<')) {
      e.kind = PipelineElement::Kind::kRequire;
      IMCC_ASSIGN_OR_RETURN(e.name, Name("an analysis name"));
      if (!Consume('>')) return Error("expected '>' after the analysis name");
      return e;
    }
    if (Consume('(')) {
      e.kind = PipelineElement::Kind::kAnchor;
      if (!Consume(')')) {
        IMCC_ASSIGN_OR_RETURN(e.children, List());
        if (!Consume(')')) return Error(absl::StrCat("expected ')' to close '", e.name, "('"));
      }
      return e;
    }
    if (Consume('{')) {
      while (!Consume('}')) {
        if (pos_ >= text_.size()) return Error(absl::StrCat("expected '}' to close the options of '", e.name, "'"));
        IMCC_ASSIGN_OR_RETURN(std::string key, Name("an option name"));
        if (!Consume('=')) return Error(absl::StrCat("expected '=' after option '", key, "'"));
        SkipSpace();
        size_t start = pos_;
        while (pos_ < text_.size() && !absl::ascii_isspace(text_[pos_]) && text_[pos_] != '}') ++pos_;
        if (start == pos_) return Error(absl::StrCat("option '", key, "' has no value"));
        for (const auto& kv : e.options) {
          if (kv.first == key) return Error(absl::StrCat("option '", key, "' is given twice"));
        }
        e.options.emplace_back(key, std::string(text_.substr(start, pos_ - start)));
      }
    }
    return e;
  }

  absl::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

absl::StatusOr<std::vector<PipelineElement>> ParsePipeline(absl::string_view text) {
  return PipelineParser(text).ParseAll();
}

std::string PrintElement(const PipelineElement& e) {
  switch (e.kind) {
    case PipelineElement::Kind::kExtensionPoint: return absl::StrCat("@", e.name);
    case PipelineElement::Kind::kRequire: return absl::StrCat("require<", e.name, ">");
    case PipelineElement::Kind::kAnchor:
      return absl::StrCat(e.name, "(", PrintPipeline(e.children), ")");
    case PipelineElement::Kind::kPass:
      if (e.options.empty()) return e.name;
      return absl::StrCat(e.name, "{",
                          absl::StrJoin(e.options, " ", absl::PairFormatter("=")), "}");
  }
  return "";
}

std::string PrintPipeline(const std::vector<PipelineElement>& elements) {
  return absl::StrJoin(elements, ",", [](std::string* out, const PipelineElement& e) {
    out->append(PrintElement(e));
  });
}

}  // namespace imcc::passes
