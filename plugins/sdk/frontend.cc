#include "plugins/sdk/frontend.h"

#include "absl/strings/str_cat.h"
#include "ir/serialize.h"
#include "ir/verifier.h"
#include "plugins/abi/cpp/status_conversion.h"
#include "plugins/sdk/pass_library.h"

namespace imcc::plugin {

IMCC_Error* LoadWith(const ImportFn& import, IMCC_Frontend_Load_Args* args) {
  return Guarded("Frontend_Load", [&]() -> IMCC_Error* {
    if (IMCC_Error* e = CheckArgs(args, IMCC_Frontend_Load_Args_MIN_SIZE, "Frontend_Load")) {
      return e;
    }
    std::vector<std::pair<std::string, std::string>> options;
    if (IMCC_ARGS_HAS_FIELD(args, IMCC_Frontend_Load_Args, options_size)) {
      absl::StatusOr<std::vector<std::pair<std::string, std::string>>> parsed =
          ParseOptions(args->options, args->options_size);
      if (!parsed.ok()) return StatusToImccError(parsed.status());
      options = std::move(*parsed);
    }
    const std::string path = ToString(args->path, args->path_size);
    absl::StatusOr<ir::Module> module = import(path, options);
    if (!module.ok()) return StatusToImccError(module.status());
    absl::Status verified = ir::VerifyModule(*module);
    if (!verified.ok()) {
      return StatusToImccError(absl::InvalidArgumentError(
          absl::StrCat(path, ": imported module is invalid: ", verified.message())));
    }
    args->module = MakeBuffer(ir::SerializeModule(*module));
    return nullptr;
  });
}

}  // namespace imcc::plugin
