// Plugin-side glue for frontends: turns a C++ import function into the
// ABI's Frontend_Load slot (options parsed, module verified and serialised).
#ifndef IMCC_PLUGINS_SDK_FRONTEND_H_
#define IMCC_PLUGINS_SDK_FRONTEND_H_

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "ir/module.h"
#include "plugins/abi/imcc_plugin.h"

namespace imcc::plugin {

using ImportFn = std::function<absl::StatusOr<ir::Module>(
    const std::string& path, const std::vector<std::pair<std::string, std::string>>& options)>;

// Implements Frontend_Load with `import`. The module is verified before it
// is returned; a verifier failure is InvalidArgument naming the file.
IMCC_Error* LoadWith(const ImportFn& import, IMCC_Frontend_Load_Args* args);

}  // namespace imcc::plugin

#endif  // IMCC_PLUGINS_SDK_FRONTEND_H_
