// Header-only C++ helpers for plugin authors (STL only, no imcc or Abseil
// types): the plugin-side error and buffer objects, the five standard table
// slots, argument-size checks and the catch-all that keeps exceptions from
// crossing the ABI. Compiled into each plugin separately; never part of the
// ABI itself.
#ifndef IMCC_PLUGINS_ABI_CPP_PLUGIN_SHIM_H_
#define IMCC_PLUGINS_ABI_CPP_PLUGIN_SHIM_H_

#include <cctype>
#include <exception>
#include <string>
#include <utility>

#include "plugins/abi/imcc_plugin.h"

// Plugin-side layouts of the opaque ABI objects. The host never sees them.
struct IMCC_Error {
  IMCC_ErrorCode code;
  std::string message;
};

struct IMCC_Buffer {
  std::string data;
};

namespace imcc::plugin {

// Returns a new error; ownership passes to the caller (the host frees it with
// Error_Destroy).
inline IMCC_Error* MakeError(IMCC_ErrorCode code, std::string message) {
  return new IMCC_Error{code, std::move(message)};
}

// Returns a new buffer holding `data`; the host frees it with Buffer_Destroy.
inline IMCC_Buffer* MakeBuffer(std::string data) { return new IMCC_Buffer{std::move(data)}; }

// Returns InvalidArgument unless `args` is non-null and its struct_size is at
// least `min_size`. Larger sizes (newer callers) are always accepted.
template <typename Args>
IMCC_Error* CheckArgs(const Args* args, size_t min_size, const char* name) {
  if (args == nullptr) {
    return MakeError(IMCC_ErrorCode_kInvalidArgument, std::string(name) + ": args is NULL");
  }
  if (args->struct_size < min_size) {
    return MakeError(IMCC_ErrorCode_kInvalidArgument,
                     std::string(name) + ": struct_size " + std::to_string(args->struct_size) +
                         " is smaller than the minimum " + std::to_string(min_size));
  }
  return nullptr;
}

// Runs `fn` (returning IMCC_Error*) and turns any exception into kInternal.
template <typename Fn>
IMCC_Error* Guarded(const char* name, Fn&& fn) noexcept {
  try {
    return fn();
  } catch (const std::exception& e) {
    return MakeError(IMCC_ErrorCode_kInternal,
                     std::string(name) + ": uncaught exception: " + e.what());
  } catch (...) {
    return MakeError(IMCC_ErrorCode_kInternal, std::string(name) + ": uncaught exception");
  }
}

inline std::string ToString(const char* data, size_t size) {
  return data == nullptr ? std::string() : std::string(data, size);
}

namespace slots {

inline void ErrorDestroy(IMCC_Error_Destroy_Args* args) {
  if (args != nullptr) delete args->error;
}
inline void ErrorMessage(IMCC_Error_Message_Args* args) {
  if (args == nullptr || args->error == nullptr) return;
  args->message = args->error->message.data();
  args->message_size = args->error->message.size();
}
inline void ErrorGetCode(IMCC_Error_GetCode_Args* args) {
  if (args == nullptr || args->error == nullptr) return;
  args->code = args->error->code;
}
inline void BufferDestroy(IMCC_Buffer_Destroy_Args* args) {
  if (args != nullptr) delete args->buffer;
}
inline void BufferData(IMCC_Buffer_Data_Args* args) {
  if (args == nullptr || args->buffer == nullptr) return;
  args->data = args->buffer->data.data();
  args->data_size = args->buffer->data.size();
}

}  // namespace slots

// Returns a table with the header fields and the error/buffer slots filled;
// the plugin adds its kind-specific slots. `name` and `version` must have
// process lifetime (string literals).
inline IMCC_PluginApi MakeApiTable(uint32_t kind, const char* name, const char* version) {
  IMCC_PluginApi api{};
  api.struct_size = IMCC_PluginApi_STRUCT_SIZE;
  api.extension_start = nullptr;
  api.abi_version.struct_size = IMCC_AbiVersion_STRUCT_SIZE;
  api.abi_version.major = IMCC_ABI_MAJOR;
  api.abi_version.minor = IMCC_ABI_MINOR;
  api.plugin_kind = kind;
  api.name = name;
  api.version = version;
  api.Error_Destroy = &slots::ErrorDestroy;
  api.Error_Message = &slots::ErrorMessage;
  api.Error_GetCode = &slots::ErrorGetCode;
  api.Buffer_Destroy = &slots::BufferDestroy;
  api.Buffer_Data = &slots::BufferData;
  return api;
}

}  // namespace imcc::plugin

#endif  // IMCC_PLUGINS_ABI_CPP_PLUGIN_SHIM_H_
