// Exports the graph pass library (canonicalize, dce, fold-batch-norm and the
// imcc-default / imcc-o0 pipelines) as the imcc plugin "graph".
#include "passes/graph/register.h"
#include "plugins/abi/cpp/plugin_shim.h"
#include "plugins/abi/imcc_plugin.h"
#include "plugins/sdk/pass_library.h"

namespace {

const imcc::passes::PassRegistry& Registry() {
  static const imcc::passes::PassRegistry* registry = [] {
    auto* r = new imcc::passes::PassRegistry();
    // Registration into a fresh registry cannot collide.
    (void)imcc::passes::RegisterGraphPasses(*r);
    return r;
  }();
  return *registry;
}

IMCC_Error* List(IMCC_PassLibrary_List_Args* args) {
  return imcc::plugin::ListPasses(Registry(), args);
}

IMCC_Error* Run(IMCC_Pass_Run_Args* args) { return imcc::plugin::RunPass(Registry(), args); }

}  // namespace

extern "C" IMCC_PLUGIN_EXPORT const IMCC_PluginApi* IMCC_GetPluginApi(void) {
  // Process lifetime.
  static const IMCC_PluginApi api = [] {
    IMCC_PluginApi a =
        imcc::plugin::MakeApiTable(IMCC_PluginKind_kPassLibrary, "graph", "0.1.0");
    a.PassLibrary_List = &List;
    a.Pass_Run = &Run;
    return a;
  }();
  return &api;
}
