// The pass registry: passes (name, summary, typed options, factory), named
// pipelines, and passes that plugins add at named extension points. Filled
// explicitly by Register<Library>Passes() functions and by the plugin
// loader; never by static initialisers.
#ifndef IMCC_PASSES_MANAGER_REGISTRY_H_
#define IMCC_PASSES_MANAGER_REGISTRY_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "passes/manager/pass.h"

namespace imcc::passes {

using PassFactory = std::function<absl::StatusOr<std::unique_ptr<Pass>>(const PassOptions&)>;

struct PassInfo {
  std::string name;  // kebab-case
  std::string summary;
  std::vector<OptionSpec> options;
  PassFactory factory;
  std::string input_format = "imcc.ir.v1";
  bool reads_weights = false;
  std::string provider = "builtin";  // plugin name, for --list-passes
};

struct PipelineDef {
  std::string name;
  std::string pipeline;  // may contain "@extension-point" markers
  std::string summary;
  std::string provider = "builtin";
};

// Where backends and plugins add passes to the named pipelines.
enum class ExtensionPoint {
  kAfterImport,
  kBeforePartition,
  kAfterPartition,
  kBeforeMapping,
  kAfterMapping,
  kBeforeCodegen,
};

absl::string_view ExtensionPointName(ExtensionPoint point);
std::optional<ExtensionPoint> ExtensionPointFromName(absl::string_view name);

struct ExtensionDef {
  ExtensionPoint point = ExtensionPoint::kAfterImport;
  std::string pipeline;  // pass text to insert
  std::string before;    // optional: insert before this pass instead
  std::string after;     // optional: insert after this pass instead
  std::string provider = "builtin";
};

// Not thread-safe; fill it, then share it read-only.
class PassRegistry {
 public:
  // AlreadyExists if a pass or pipeline of that name is registered
  // ("pass 'x' from 'graph' is already registered by 'other'").
  absl::Status RegisterPass(PassInfo info);
  absl::Status RegisterPipeline(PipelineDef def);
  // InvalidArgument if the pipeline text does not parse.
  absl::Status AddExtension(ExtensionDef def);

  const PassInfo* FindPass(absl::string_view name) const;
  const PipelineDef* FindPipeline(absl::string_view name) const;
  const std::map<std::string, PassInfo, std::less<>>& passes() const { return passes_; }
  const std::map<std::string, PipelineDef, std::less<>>& pipelines() const { return pipelines_; }
  const std::vector<ExtensionDef>& extensions() const { return extensions_; }

  // Returns the text of pipeline `name` with its extension points filled
  // (markers replaced by the registered additions, before=/after= additions
  // placed next to their pass) and nested named pipelines left as names.
  absl::StatusOr<std::string> ExpandPipeline(absl::string_view name) const;

  // Returns the --list-passes text: every pass with summary and options,
  // every named pipeline, sorted by name.
  std::string Describe() const;

 private:
  std::map<std::string, PassInfo, std::less<>> passes_;
  std::map<std::string, PipelineDef, std::less<>> pipelines_;
  std::vector<ExtensionDef> extensions_;
};

}  // namespace imcc::passes

#endif  // IMCC_PASSES_MANAGER_REGISTRY_H_
