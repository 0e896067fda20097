// Test fixture: a second plugin named "graph", for the duplicate-name error.
#include "plugins/abi/cpp/plugin_shim.h"

extern "C" IMCC_PLUGIN_EXPORT const IMCC_PluginApi* IMCC_GetPluginApi(void) {
  static const IMCC_PluginApi api =
      imcc::plugin::MakeApiTable(IMCC_PluginKind_kPassLibrary, "graph", "0.0.1-test");
  return &api;
}
