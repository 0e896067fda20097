// Exports the ONNX frontend as the imcc plugin "onnx".
#include "absl/strings/str_cat.h"
#include "frontends/onnx/onnx_importer.h"
#include "plugins/abi/cpp/plugin_shim.h"
#include "plugins/abi/imcc_plugin.h"
#include "plugins/sdk/frontend.h"

namespace {

IMCC_Error* CanLoad(IMCC_Frontend_CanLoad_Args* args) {
  return imcc::plugin::Guarded("Frontend_CanLoad", [&]() -> IMCC_Error* {
    if (IMCC_Error* e = imcc::plugin::CheckArgs(args, IMCC_Frontend_CanLoad_Args_STRUCT_SIZE,
                                                "Frontend_CanLoad")) {
      return e;
    }
    args->can_load = imcc::frontends::LooksLikeOnnx(
        imcc::plugin::ToString(args->path, args->path_size),
        imcc::plugin::ToString(args->header, args->header_size));
    return nullptr;
  });
}

IMCC_Error* Load(IMCC_Frontend_Load_Args* args) {
  return imcc::plugin::LoadWith(
      [](const std::string& path, const std::vector<std::pair<std::string, std::string>>& options)
          -> absl::StatusOr<imcc::ir::Module> {
        imcc::frontends::OnnxImportOptions o;
        for (const auto& [k, v] : options) {
          if (k == "shape_only") {
            o.shape_only = v == "true";
          } else {
            return absl::InvalidArgumentError(absl::StrCat("onnx frontend: unknown option '", k, "'"));
          }
        }
        return imcc::frontends::ImportOnnxFile(path, o);
      },
      args);
}

}  // namespace

extern "C" IMCC_PLUGIN_EXPORT const IMCC_PluginApi* IMCC_GetPluginApi(void) {
  // Process lifetime.
  static const IMCC_PluginApi api = [] {
    IMCC_PluginApi a = imcc::plugin::MakeApiTable(IMCC_PluginKind_kFrontend, "onnx", "0.1.0");
    a.Frontend_CanLoad = &CanLoad;
    a.Frontend_Load = &Load;
    return a;
  }();
  return &api;
}
