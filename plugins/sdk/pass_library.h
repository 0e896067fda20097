// Plugin-side glue that serves a C++ PassRegistry through the ABI's
// PassLibrary_List and Pass_Run slots. In-tree pass-library plugins call
// these from their slot functions; options are validated against the
// registered schema and the module crosses as imcc.ir.v1 bytes.
#ifndef IMCC_PLUGINS_SDK_PASS_LIBRARY_H_
#define IMCC_PLUGINS_SDK_PASS_LIBRARY_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "passes/manager/registry.h"
#include "plugins/abi/imcc_plugin.h"

namespace imcc::plugin {

IMCC_Error* ListPasses(const passes::PassRegistry& registry, IMCC_PassLibrary_List_Args* args);
IMCC_Error* RunPass(const passes::PassRegistry& registry, IMCC_Pass_Run_Args* args);

// Serialises / parses an imcc.plugin.OptionMap.
std::string SerializeOptions(const std::vector<std::pair<std::string, std::string>>& options);
absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ParseOptions(
    const char* data, size_t size);

}  // namespace imcc::plugin

#endif  // IMCC_PLUGINS_SDK_PASS_LIBRARY_H_
