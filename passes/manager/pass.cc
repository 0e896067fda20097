#include "passes/manager/pass.h"

#include <cerrno>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace imcc::passes {

void AnalysisManager::Invalidate(const PreservedAnalyses& preserved) {
  if (preserved.all()) return;
  for (auto it = cache_.begin(); it != cache_.end();) {
    if (it->second.is_invalidated(preserved)) {
      cache_.erase(it++);
    } else {
      ++it;
    }
  }
}

absl::string_view OptionTypeName(OptionSpec::Type type) {
  switch (type) {
    case OptionSpec::Type::kInt: return "int";
    case OptionSpec::Type::kFloat: return "float";
    case OptionSpec::Type::kBool: return "bool";
    case OptionSpec::Type::kString: return "string";
    case OptionSpec::Type::kEnum: return "enum";
  }
  return "?";
}

namespace {

absl::Status CheckValue(absl::string_view owner, const OptionSpec& spec, const std::string& v) {
  auto bad = [&](absl::string_view want) {
    return absl::InvalidArgumentError(absl::StrCat(owner, ": option '", spec.name,
                                                   "' must be ", want, ", got '", v, "'"));
  };
  char* end = nullptr;
  errno = 0;
  switch (spec.type) {
    case OptionSpec::Type::kInt:
      std::strtoll(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || errno != 0) return bad("an integer");
      break;
    case OptionSpec::Type::kFloat:
      std::strtod(v.c_str(), &end);
      if (v.empty() || *end != '\0') return bad("a number");
      break;
    case OptionSpec::Type::kBool:
      if (v != "true" && v != "false") return bad("true or false");
      break;
    case OptionSpec::Type::kEnum: {
      bool found = false;
      for (const std::string& c : spec.choices) found |= c == v;
      if (!found) return bad(absl::StrJoin(spec.choices, "|"));
      break;
    }
    case OptionSpec::Type::kString: break;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<PassOptions> PassOptions::Parse(
    absl::string_view pass_name, const std::vector<OptionSpec>& schema,
    const std::vector<std::pair<std::string, std::string>>& given) {
  return ParseFor(absl::StrCat("pass '", pass_name, "'"), schema, given);
}

absl::StatusOr<PassOptions> PassOptions::ParseFor(
    absl::string_view owner, const std::vector<OptionSpec>& schema,
    const std::vector<std::pair<std::string, std::string>>& given) {
  PassOptions o;
  for (const OptionSpec& spec : schema) o.values_[spec.name] = spec.default_value;
  for (const auto& [k, v] : given) {
    const OptionSpec* spec = nullptr;
    for (const OptionSpec& s : schema) {
      if (s.name == k) spec = &s;
    }
    if (spec == nullptr) {
      std::vector<std::string> known;
      for (const OptionSpec& s : schema) known.push_back(s.name);
      return absl::InvalidArgumentError(absl::StrCat(
          owner, " has no option '", k, "'",
          known.empty() ? std::string(" (it takes none)")
                        : absl::StrCat(" (options: ", absl::StrJoin(known, ", "), ")")));
    }
    absl::Status s = CheckValue(owner, *spec, v);
    if (!s.ok()) return s;
    o.values_[k] = v;
  }
  o.given_ = given;
  return o;
}

int64_t PassOptions::GetInt(absl::string_view key) const {
  return std::strtoll(GetString(key).c_str(), nullptr, 10);
}
double PassOptions::GetFloat(absl::string_view key) const {
  return std::strtod(GetString(key).c_str(), nullptr);
}
bool PassOptions::GetBool(absl::string_view key) const { return GetString(key) == "true"; }
const std::string& PassOptions::GetString(absl::string_view key) const {
  static const std::string* const kEmpty = new std::string();
  auto it = values_.find(key);
  return it == values_.end() ? *kEmpty : it->second;
}

}  // namespace imcc::passes
