#include "passes/manager/registry.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "ir/support/status_macros.h"
#include "passes/manager/pipeline.h"

namespace imcc::passes {
namespace {

constexpr std::pair<ExtensionPoint, absl::string_view> kPoints[] = {
    {ExtensionPoint::kAfterImport, "after-import"},
    {ExtensionPoint::kBeforePartition, "before-partition"},
    {ExtensionPoint::kAfterPartition, "after-partition"},
    {ExtensionPoint::kBeforeMapping, "before-mapping"},
    {ExtensionPoint::kAfterMapping, "after-mapping"},
    {ExtensionPoint::kBeforeCodegen, "before-codegen"},
};

}  // namespace

absl::string_view ExtensionPointName(ExtensionPoint point) {
  for (const auto& [p, n] : kPoints) {
    if (p == point) return n;
  }
  return "?";
}

std::optional<ExtensionPoint> ExtensionPointFromName(absl::string_view name) {
  for (const auto& [p, n] : kPoints) {
    if (n == name) return p;
  }
  return std::nullopt;
}

absl::Status PassRegistry::RegisterPass(PassInfo info) {
  if (const PassInfo* old = FindPass(info.name)) {
    return absl::AlreadyExistsError(absl::StrCat("pass '", info.name, "' from '", info.provider,
                                                 "' is already registered by '", old->provider,
                                                 "'"));
  }
  if (const PipelineDef* old = FindPipeline(info.name)) {
    return absl::AlreadyExistsError(absl::StrCat("pass '", info.name, "' from '", info.provider,
                                                 "' clashes with a pipeline from '", old->provider,
                                                 "'"));
  }
  std::string name = info.name;
  passes_.emplace(std::move(name), std::move(info));
  return absl::OkStatus();
}

absl::Status PassRegistry::RegisterPipeline(PipelineDef def) {
  if (FindPipeline(def.name) != nullptr || FindPass(def.name) != nullptr) {
    return absl::AlreadyExistsError(absl::StrCat("pipeline '", def.name, "' from '", def.provider,
                                                 "' is already registered"));
  }
  IMCC_RETURN_IF_ERROR(ParsePipeline(def.pipeline).status());
  std::string name = def.name;
  pipelines_.emplace(std::move(name), std::move(def));
  return absl::OkStatus();
}

absl::Status PassRegistry::AddExtension(ExtensionDef def) {
  IMCC_RETURN_IF_ERROR(ParsePipeline(def.pipeline).status());
  extensions_.push_back(std::move(def));
  return absl::OkStatus();
}

const PassInfo* PassRegistry::FindPass(absl::string_view name) const {
  auto it = passes_.find(name);
  return it == passes_.end() ? nullptr : &it->second;
}

const PipelineDef* PassRegistry::FindPipeline(absl::string_view name) const {
  auto it = pipelines_.find(name);
  return it == pipelines_.end() ? nullptr : &it->second;
}

absl::StatusOr<std::string> PassRegistry::ExpandPipeline(absl::string_view name) const {
  const PipelineDef* def = FindPipeline(name);
  if (def == nullptr) return absl::NotFoundError(absl::StrCat("unknown pipeline '", name, "'"));
  IMCC_ASSIGN_OR_RETURN(std::vector<PipelineElement> elements, ParsePipeline(def->pipeline));
  std::vector<PipelineElement> out;
  for (PipelineElement& e : elements) {
    if (e.kind == PipelineElement::Kind::kExtensionPoint) {
      std::optional<ExtensionPoint> point = ExtensionPointFromName(e.name);
      if (!point.has_value()) {
        return absl::InvalidArgumentError(
            absl::StrCat("pipeline '", name, "' names unknown extension point '@", e.name, "'"));
      }
      for (const ExtensionDef& ext : extensions_) {
        if (ext.point != *point || !ext.before.empty() || !ext.after.empty()) continue;
        IMCC_ASSIGN_OR_RETURN(auto add, ParsePipeline(ext.pipeline));
        out.insert(out.end(), add.begin(), add.end());
      }
      continue;
    }
    out.push_back(std::move(e));
  }
  for (const ExtensionDef& ext : extensions_) {
    if (ext.before.empty() && ext.after.empty()) continue;
    const std::string& anchor = ext.before.empty() ? ext.after : ext.before;
    for (size_t i = 0; i < out.size(); ++i) {
      if (out[i].kind != PipelineElement::Kind::kPass || out[i].name != anchor) continue;
      IMCC_ASSIGN_OR_RETURN(auto add, ParsePipeline(ext.pipeline));
      out.insert(out.begin() + (ext.before.empty() ? i + 1 : i), add.begin(), add.end());
      break;
    }
  }
  return PrintPipeline(out);
}

std::string PassRegistry::Describe() const {
  std::string out = "Passes:\n";
  for (const auto& [name, info] : passes_) {
    absl::StrAppend(&out, "  ", name, "  ", info.summary, "  [", info.provider, "]\n");
    for (const OptionSpec& o : info.options) {
      absl::StrAppend(&out, "      ", o.name, "=<", OptionTypeName(o.type));
      if (o.type == OptionSpec::Type::kEnum) absl::StrAppend(&out, " ", absl::StrJoin(o.choices, "|"));
      absl::StrAppend(&out, "> (default ", o.default_value.empty() ? "\"\"" : o.default_value, ")  ",
                      o.doc, "\n");
    }
  }
  out += "Pipelines:\n";
  for (const auto& [name, def] : pipelines_) {
    absl::StrAppend(&out, "  ", name, "  ", def.summary, "\n      ", def.pipeline, "\n");
  }
  return out;
}

}  // namespace imcc::passes
