// Test fixture: a plugin claiming ABI major IMCC_ABI_MAJOR + 1. The loader
// must refuse it and name both versions.
#include "plugins/abi/cpp/plugin_shim.h"

extern "C" IMCC_PLUGIN_EXPORT const IMCC_PluginApi* IMCC_GetPluginApi(void) {
  static const IMCC_PluginApi api = [] {
    IMCC_PluginApi a = imcc::plugin::MakeApiTable(IMCC_PluginKind_kPassLibrary, "future", "9.0");
    a.abi_version.major = IMCC_ABI_MAJOR + 1;
    a.abi_version.minor = 3;
    return a;
  }();
  return &api;
}
