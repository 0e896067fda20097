// Shared plumbing of imcc's command-line tools (compile, imcc-opt): plugin
// discovery, registry construction, pass-manager flags, path resolution
// under `bazel run`, listings and one-line error reporting.
#ifndef IMCC_TOOLS_COMMON_DRIVER_H_
#define IMCC_TOOLS_COMMON_DRIVER_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "passes/manager/pass_manager.h"
#include "passes/manager/registry.h"
#include "plugins/loader/loader.h"
#include "tools/common/flags.h"

namespace imcc::tools {

// Returns `path` made absolute against the directory `bazel run` was started
// from ($BUILD_WORKING_DIRECTORY) when it is relative; unchanged otherwise.
std::string ResolveUserPath(const std::string& path);

// Declares --plugin, --verify-each, --print-ir-before/after, --print-ir-
// after-change, --print-ir-after-failure, --time-passes, --reproducer.
void AddPassManagerFlags(FlagSet& flags);
passes::PassManagerOptions PassManagerOptionsFromFlags(const FlagSet& flags);

struct Toolchain {
  std::unique_ptr<plugin::PluginLoader> loader;
  passes::PassRegistry registry;
};

// Loads the in-tree plugins (runfiles of `argv0`, $IMCC_PLUGIN_PATH) and
// every --plugin=FILE, then registers all passes. Errors name the file.
absl::StatusOr<std::unique_ptr<Toolchain>> LoadToolchain(const std::string& argv0,
                                                         const FlagSet& flags);

// Declares --list-passes, --list-plugins, --list-ops and --help.
void AddInfoFlags(FlagSet& flags);

// Handles what every tool does first: --help and --list-ops (no plugins
// needed), loading the toolchain, then --list-plugins and --list-passes.
// Returns an exit status when the tool is done; otherwise nullopt with
// `*toolchain` loaded.
std::optional<int> StartTool(const FlagSet& flags, const std::string& argv0,
                             std::unique_ptr<Toolchain>* toolchain);

// Returns the --list-ops text (from ops.def) and the --list-plugins text.
std::string ListOps();
std::string ListPlugins(const plugin::PluginLoader& loader);

// Prints "<program>: error: <message>" (one line) to stderr; returns 1.
int ReportError(const std::string& program, const absl::Status& status);

// Returns the runfile `rel` (workspace-relative) of the running binary, or
// "" if there is no runfiles tree.
std::string FindRunfile(const std::string& argv0, const std::string& rel);

}  // namespace imcc::tools

#endif  // IMCC_TOOLS_COMMON_DRIVER_H_
