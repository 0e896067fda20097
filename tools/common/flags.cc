#include "tools/common/flags.h"

#include <cerrno>
#include <cstdlib>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace imcc::tools {

void FlagSet::String(const std::string& name, std::string def, std::string help) {
  flags_[name] = Flag{Kind::kString, def, {}, def, std::move(help)};
  order_.push_back(name);
}
void FlagSet::Bool(const std::string& name, bool def, std::string help) {
  const std::string d = def ? "true" : "false";
  flags_[name] = Flag{Kind::kBool, d, {}, d, std::move(help)};
  order_.push_back(name);
}
void FlagSet::Int(const std::string& name, int64_t def, std::string help) {
  const std::string d = absl::StrCat(def);
  flags_[name] = Flag{Kind::kInt, d, {}, d, std::move(help)};
  order_.push_back(name);
}
void FlagSet::Repeated(const std::string& name, std::string help) {
  flags_[name] = Flag{Kind::kRepeated, "", {}, "", std::move(help)};
  order_.push_back(name);
}

absl::Status FlagSet::Parse(int argc, char** argv) {
  bool only_positional = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (only_positional || !absl::StartsWith(arg, "-") || arg == "-") {
      positional_.push_back(arg);
      continue;
    }
    if (arg == "--") {
      only_positional = true;
      continue;
    }
    std::string body = absl::StartsWith(arg, "--") ? arg.substr(2) : arg.substr(1);
    std::string name = body, value;
    bool has_value = false;
    if (size_t eq = body.find('='); eq != std::string::npos) {
      name = body.substr(0, eq);
      value = body.substr(eq + 1);
      has_value = true;
    }
    auto it = flags_.find(name);
    if (it == flags_.end() && absl::StartsWith(name, "no") && !has_value) {
      auto neg = flags_.find(name.substr(2));
      if (neg != flags_.end() && neg->second.kind == Kind::kBool) {
        neg->second.value = "false";
        neg->second.set = true;
        continue;
      }
    }
    if (it == flags_.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown flag '--", name, "' (", program_, " --help lists the flags)"));
    }
    Flag& f = it->second;
    if (f.kind == Kind::kBool && !has_value) {
      value = "true";
      has_value = true;
    }
    if (!has_value) {
      if (i + 1 >= argc) return absl::InvalidArgumentError(absl::StrCat("flag '--", name, "' needs a value"));
      value = argv[++i];
    }
    if (f.kind == Kind::kBool && value != "true" && value != "false") {
      return absl::InvalidArgumentError(
          absl::StrCat("flag '--", name, "' must be true or false, got '", value, "'"));
    }
    if (f.kind == Kind::kInt) {
      char* end = nullptr;
      errno = 0;
      std::strtoll(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0' || errno != 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("flag '--", name, "' must be an integer, got '", value, "'"));
      }
    }
    f.set = true;
    if (f.kind == Kind::kRepeated) f.values.push_back(value);
    else f.value = value;
  }
  return absl::OkStatus();
}

const std::string& FlagSet::GetString(const std::string& name) const { return flags_.at(name).value; }
bool FlagSet::GetBool(const std::string& name) const { return flags_.at(name).value == "true"; }
int64_t FlagSet::GetInt(const std::string& name) const {
  return std::strtoll(flags_.at(name).value.c_str(), nullptr, 10);
}
const std::vector<std::string>& FlagSet::GetRepeated(const std::string& name) const {
  return flags_.at(name).values;
}
bool FlagSet::IsSet(const std::string& name) const { return flags_.at(name).set; }

std::string FlagSet::Help() const {
  std::string out = absl::StrCat(usage_, "\n\nFlags:\n");
  for (const std::string& name : order_) {
    const Flag& f = flags_.at(name);
    std::string spelled = absl::StrCat("--", name);
    if (f.kind == Kind::kString || f.kind == Kind::kRepeated) absl::StrAppend(&spelled, "=VALUE");
    if (f.kind == Kind::kInt) absl::StrAppend(&spelled, "=N");
    std::string def;
    if (f.kind == Kind::kRepeated) def = " (repeatable)";
    else if (!f.def.empty()) def = absl::StrCat(" (default: ", f.def, ")");
    absl::StrAppendFormat(&out, "  %-30s %s%s\n", spelled, f.help, def);
  }
  return out;
}

}  // namespace imcc::tools
