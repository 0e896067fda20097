// Host-side plugin loading: dlopen of lib<name>_plugin.so files, ABI version
// checks, a registry keyed by plugin name, and the host's typed access to
// frontends (import a model) and pass libraries (register their passes with
// a PassRegistry as adapters that call Pass_Run). The only way host code
// reaches plugins.
#ifndef IMCC_PLUGINS_LOADER_LOADER_H_
#define IMCC_PLUGINS_LOADER_LOADER_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "ir/module.h"
#include "passes/manager/registry.h"
#include "plugins/abi/imcc_plugin.h"

namespace imcc::plugin {

// One loaded plugin. The table lives as long as the process: plugins are
// never unloaded (see loader.cc).
class LoadedPlugin {
 public:
  LoadedPlugin(std::string path, void* handle, const IMCC_PluginApi* api);
  ~LoadedPlugin();
  LoadedPlugin(const LoadedPlugin&) = delete;
  LoadedPlugin& operator=(const LoadedPlugin&) = delete;

  const std::string& path() const { return path_; }
  const std::string& name() const { return name_; }
  const std::string& version() const { return version_; }
  uint32_t kinds() const { return api_->plugin_kind; }
  const IMCC_PluginApi& api() const { return *api_; }
  // True if the plugin's table is large enough to hold slot `field`.
  bool HasSlot(size_t end_offset) const { return api_->struct_size >= end_offset; }

 private:
  std::string path_;
  void* handle_;
  const IMCC_PluginApi* api_;
  std::string name_;
  std::string version_;
};

// Returns "frontend+pass-library" for a kind bitmask.
std::string KindsToString(uint32_t kinds);

// Not thread-safe.
class PluginLoader {
 public:
  // Loads one plugin. Errors (one line, naming the file):
  //   NotFound: no such file.
  //   InvalidArgument: not a loadable shared object, or no IMCC_GetPluginApi
  //     symbol (not an imcc plugin), or a malformed table.
  //   FailedPrecondition: another ABI major ("built for ABI 1.0, this host
  //     speaks 0.1").
  //   AlreadyExists: a plugin of the same name is already loaded.
  absl::StatusOr<const LoadedPlugin*> Load(const std::string& path);

  // Loads every lib*_plugin.so found (recursively, sorted) under each
  // directory of `paths`; a path naming a file is loaded directly.
  absl::Status LoadAll(const std::vector<std::string>& paths);

  const std::vector<std::unique_ptr<LoadedPlugin>>& plugins() const { return plugins_; }

  // Imports `model_path` with the first frontend whose CanLoad accepts it.
  // NotFound if the file is missing; InvalidArgument if no frontend
  // recognises it; otherwise the frontend's error.
  absl::StatusOr<ir::Module> ImportModel(
      const std::string& model_path,
      const std::vector<std::pair<std::string, std::string>>& options = {}) const;

  // Registers every pass, pipeline and extension of every pass-library
  // plugin in `registry` (AlreadyExists on duplicates).
  absl::Status RegisterPasses(passes::PassRegistry& registry) const;

  // Returns the first backend plugin (in load order) whose Backend_Describe
  // lists `family` ("crossbar", "dual-mode", "ndp-dimm"), with its
  // serialised imcc.plugin.BackendInfoProto; NotFound naming the loaded
  // backends otherwise. Plugins of ABI 0.1 have no backend slots.
  absl::StatusOr<std::pair<const LoadedPlugin*, std::string>> FindBackend(
      absl::string_view family) const;

  struct BackendOutput {
    std::string program;       // backend format
    std::string program_text;
    std::string report;        // serialised imcc.hw.Report
    std::string trace;         // Chrome trace JSON
    std::string outputs;       // functional outputs (imcc.tensors.v1), if inputs were given
  };
  // Runs Backend_Compile of `backend`. `options` are checked against the
  // backend's schema first (InvalidArgument naming the option). Given
  // `functional_inputs` (imcc.tensors.v1), weights travel inline and the
  // backend also executes the program functionally.
  absl::StatusOr<BackendOutput> CompileWithBackend(
      const LoadedPlugin& backend, const std::string& info, const ir::Module& module,
      const std::string& hardware, const std::vector<std::pair<std::string, std::string>>& options,
      const std::string& functional_inputs = "") const;

 private:
  std::vector<std::unique_ptr<LoadedPlugin>> plugins_;
};

// Returns the default search path: the runfiles tree of the running binary
// (`argv0`.runfiles, $RUNFILES_DIR or $TEST_SRCDIR) and the entries of
// $IMCC_PLUGIN_PATH (colon-separated directories or files).
std::vector<std::string> DefaultPluginSearchPath(const std::string& argv0);

}  // namespace imcc::plugin

#endif  // IMCC_PLUGINS_LOADER_LOADER_H_
