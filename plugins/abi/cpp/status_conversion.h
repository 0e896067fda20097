// The two places where absl::Status and IMCC_Error meet: StatusToImccError()
// on the plugin side, ImccErrorToStatus() on the host side. Header-only.
#ifndef IMCC_PLUGINS_ABI_CPP_STATUS_CONVERSION_H_
#define IMCC_PLUGINS_ABI_CPP_STATUS_CONVERSION_H_

#include <string>

#include "absl/status/status.h"
#include "plugins/abi/cpp/plugin_shim.h"
#include "plugins/abi/imcc_plugin.h"

namespace imcc::plugin {

// Plugin side: returns NULL for OK, else a new error (ownership to caller).
inline IMCC_Error* StatusToImccError(const absl::Status& status) {
  if (status.ok()) return nullptr;
  return MakeError(static_cast<IMCC_ErrorCode>(status.code()), std::string(status.message()));
}

// Host side: converts and destroys `error` (owned; may be NULL = OK) using
// the table of the plugin that made it.
inline absl::Status ImccErrorToStatus(const IMCC_PluginApi& api, IMCC_Error* error) {
  if (error == nullptr) return absl::OkStatus();
  IMCC_Error_Message_Args m{};
  m.struct_size = IMCC_Error_Message_Args_STRUCT_SIZE;
  m.error = error;
  api.Error_Message(&m);
  IMCC_Error_GetCode_Args c{};
  c.struct_size = IMCC_Error_GetCode_Args_STRUCT_SIZE;
  c.error = error;
  c.code = IMCC_ErrorCode_kUnknown;
  api.Error_GetCode(&c);
  std::string message(m.message == nullptr ? "" : m.message, m.message_size);
  IMCC_Error_Destroy_Args d{};
  d.struct_size = IMCC_Error_Destroy_Args_STRUCT_SIZE;
  d.error = error;
  api.Error_Destroy(&d);
  int code = static_cast<int>(c.code);
  if (code <= 0 || code > 16) code = static_cast<int>(absl::StatusCode::kUnknown);
  return absl::Status(static_cast<absl::StatusCode>(code), message);
}

}  // namespace imcc::plugin

#endif  // IMCC_PLUGINS_ABI_CPP_STATUS_CONVERSION_H_
