// Test fixture: a plugin built against ABI 0.1, whose table ends after
// Pass_Run. The slots past its struct_size hold garbage that the loader
// must never read (it treats them as absent).
#include "plugins/abi/cpp/plugin_shim.h"

namespace {

IMCC_Error* List(IMCC_PassLibrary_List_Args* args) {
  if (IMCC_Error* e = imcc::plugin::CheckArgs(args, IMCC_PassLibrary_List_Args_STRUCT_SIZE, "List")) return e;
  args->passes = imcc::plugin::MakeBuffer("");  // an empty PassLibraryProto
  return nullptr;
}

IMCC_Error* Run(IMCC_Pass_Run_Args*) {
  return imcc::plugin::MakeError(IMCC_ErrorCode_kNotFound, "this fixture has no passes");
}

}  // namespace

extern "C" IMCC_PLUGIN_EXPORT const IMCC_PluginApi* IMCC_GetPluginApi(void) {
  static const IMCC_PluginApi api = [] {
    IMCC_PluginApi a = imcc::plugin::MakeApiTable(IMCC_PluginKind_kPassLibrary | IMCC_PluginKind_kBackend,
                                                  "old-minor", "0.1");
    a.struct_size = IMCC_STRUCT_SIZE(IMCC_PluginApi, Pass_Run);
    a.abi_version.minor = 1;
    a.PassLibrary_List = &List;
    a.Pass_Run = &Run;
    // Past struct_size: must be ignored.
    a.Backend_Describe = reinterpret_cast<IMCC_Backend_Describe*>(0x1);
    a.Backend_Compile = reinterpret_cast<IMCC_Backend_Compile*>(0x1);
    return a;
  }();
  return &api;
}
