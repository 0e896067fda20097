/* imcc plugin ABI: the one stable C interface between the imcc host (driver,
 * pass manager) and frontend, pass-library and backend plugins.
 *
 * C99; includes only <stddef.h> <stdint.h> <stdbool.h>; nothing from imcc's
 * C++ IR, Abseil, protobuf or the STL. Rich data (modules, options, pass
 * lists) crosses as serialised protobuf bytes with a format tag (see
 * plugins/proto/plugin.proto and ir/proto/module.proto). See CHANGELOG.md
 * for the version history and the rules for changing this file.
 */
#ifndef IMCC_PLUGINS_ABI_IMCC_PLUGIN_H_
#define IMCC_PLUGINS_ABI_IMCC_PLUGIN_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped for removing, retyping or reordering anything. The loader refuses a
 * plugin of another major version. */
#define IMCC_ABI_MAJOR 0
/* Bumped for appending a field or a function. Any minor loads. */
#define IMCC_ABI_MINOR 2

/* The one symbol a plugin exports. */
#define IMCC_GET_PLUGIN_API_SYMBOL "IMCC_GetPluginApi"

#if defined(__GNUC__)
#define IMCC_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define IMCC_PLUGIN_EXPORT
#endif

/* Size of a struct up to and including `field`. */
#define IMCC_STRUCT_SIZE(type, field) \
  (offsetof(type, field) + sizeof(((type*)0)->field))

/* Defines `<type>_STRUCT_SIZE` and checks (at compile time) that
 * `last_field` is the struct's last member: only tail padding may follow. */
#define IMCC_DEFINE_STRUCT_TRAITS(type, last_field)                        \
  enum { type##_STRUCT_SIZE = IMCC_STRUCT_SIZE(type, last_field) };        \
  typedef char type##_last_field_is_last                                   \
      [(sizeof(type) - IMCC_STRUCT_SIZE(type, last_field)) < 8 ? 1 : -1]

/* True when a caller-filled `args` (of struct type `type`) is large enough to
 * contain `field`. A callee reads a field added after the struct first
 * shipped only when this holds. */
#define IMCC_ARGS_HAS_FIELD(args, type, field) \
  ((args)->struct_size >= IMCC_STRUCT_SIZE(type, field))

/* ------------------------------ Extensions -------------------------------- */

/* Append-only. */
typedef enum {
  IMCC_ExtensionType_kNone = 0,
} IMCC_ExtensionType;

/* Head of every optional extension struct; chained through `next`. A host
 * looks an extension up by `type` and treats "not found" as "absent". */
typedef struct IMCC_Extension_Base {
  size_t struct_size;
  IMCC_ExtensionType type;
  struct IMCC_Extension_Base* next;
} IMCC_Extension_Base;
IMCC_DEFINE_STRUCT_TRAITS(IMCC_Extension_Base, next);

/* -------------------------------- Errors ---------------------------------- */

/* The absl::StatusCode numbers. */
typedef enum {
  IMCC_ErrorCode_kOk = 0,
  IMCC_ErrorCode_kCancelled = 1,
  IMCC_ErrorCode_kUnknown = 2,
  IMCC_ErrorCode_kInvalidArgument = 3,
  IMCC_ErrorCode_kDeadlineExceeded = 4,
  IMCC_ErrorCode_kNotFound = 5,
  IMCC_ErrorCode_kAlreadyExists = 6,
  IMCC_ErrorCode_kPermissionDenied = 7,
  IMCC_ErrorCode_kResourceExhausted = 8,
  IMCC_ErrorCode_kFailedPrecondition = 9,
  IMCC_ErrorCode_kAborted = 10,
  IMCC_ErrorCode_kOutOfRange = 11,
  IMCC_ErrorCode_kUnimplemented = 12,
  IMCC_ErrorCode_kInternal = 13,
  IMCC_ErrorCode_kUnavailable = 14,
  IMCC_ErrorCode_kDataLoss = 15,
  IMCC_ErrorCode_kUnauthenticated = 16,
} IMCC_ErrorCode;

/* Opaque. Allocated by the plugin; the caller frees it with the same
 * plugin's Error_Destroy, never free(). */
typedef struct IMCC_Error IMCC_Error;

typedef struct IMCC_Error_Destroy_Args {
  size_t struct_size;
  IMCC_Extension_Base* extension_start;
  IMCC_Error* error; /* Ownership passes to the callee. May be NULL. */
} IMCC_Error_Destroy_Args;
IMCC_DEFINE_STRUCT_TRAITS(IMCC_Error_Destroy_Args, error);

/* Frees `error`. Accepts NULL. Cannot fail. */
typedef void IMCC_Error_Destroy(IMCC_Error_Destroy_Args* args);

typedef struct IMCC_Error_Message_Args {
  size_t struct_size;
  IMCC_Extension_Base* extension_start;
  const IMCC_Error* error; /* Borrowed for the duration of the call. */
  const char* message;     /* out. Owned by `error`, lives as long as it. */
  size_t message_size;     /* out. Bytes, no terminating NUL counted. */
} IMCC_Error_Message_Args;
IMCC_DEFINE_STRUCT_TRAITS(IMCC_Error_Message_Args, message_size);

/* Returns the error's one-line message. Cannot fail. */
typedef void IMCC_Error_Message(IMCC_Error_Message_Args* args);

typedef struct IMCC_Error_GetCode_Args {
  size_t struct_size;
  IMCC_Extension_Base* extension_start;
  const IMCC_Error* error; /* Borrowed for the duration of the call. */
  IMCC_ErrorCode code;     /* out */
} IMCC_Error_GetCode_Args;
IMCC_DEFINE_STRUCT_TRAITS(IMCC_Error_GetCode_Args, code);

/* Returns the error's absl::StatusCode number. Cannot fail. */
typedef void IMCC_Error_GetCode(IMCC_Error_GetCode_Args* args);

/* ------------------------------- Buffers ---------------------------------- */

/* Opaque bytes returned by a plugin (serialised protos, text). Freed with
 * the same plugin's Buffer_Destroy. */
typedef struct IMCC_Buffer IMCC_Buffer;

typedef struct IMCC_Buffer_Destroy_Args {
  size_t struct_size;
  IMCC_Extension_Base* extension_start;
  IMCC_Buffer* buffer; /* Ownership passes to the callee. May be NULL. */
} IMCC_Buffer_Destroy_Args;
IMCC_DEFINE_STRUCT_TRAITS(IMCC_Buffer_Destroy_Args, buffer);

/* Frees `buffer`. Accepts NULL. Cannot fail. */
typedef void IMCC_Buffer_Destroy(IMCC_Buffer_Destroy_Args* args);

typedef struct IMCC_Buffer_Data_Args {
  size_t struct_size;
  IMCC_Extension_Base* extension_start;
  const IMCC_Buffer* buffer; /* Borrowed for the duration of the call. */
  const char* data;          /* out. Owned by `buffer`, lives as long as it. */
  size_t data_size;          /* out */
} IMCC_Buffer_Data_Args;
IMCC_DEFINE_STRUCT_TRAITS(IMCC_Buffer_Data_Args, data_size);

/* Returns the buffer's bytes. Cannot fail. */
typedef void IMCC_Buffer_Data(IMCC_Buffer_Data_Args* args);

/* ------------------------------- Frontend --------------------------------- */

typedef struct IMCC_Frontend_CanLoad_Args {
  size_t struct_size;
  IMCC_Extension_Base* extension_start;
  /* The model path. Borrowed for the duration of the call. */
  const char* path;
  size_t path_size;
  /* The file's first bytes (up to 4096). Borrowed for the duration of the
   * call. */
  const char* header;
  size_t header_size;
  bool can_load; /* out. True if this frontend recognises the file. */
} IMCC_Frontend_CanLoad_Args;
IMCC_DEFINE_STRUCT_TRAITS(IMCC_Frontend_CanLoad_Args, can_load);

/* Tells whether this frontend handles the file, from its name and first
 * bytes. Reads nothing else. */
typedef IMCC_Error* IMCC_Frontend_CanLoad(IMCC_Frontend_CanLoad_Args* args);

typedef struct IMCC_Frontend_Load_Args {
  size_t struct_size;
  IMCC_Extension_Base* extension_start;
  /* The model path. Borrowed for the duration of the call. */
  const char* path;
  size_t path_size;
  /* out. Serialised imcc.ir.ModuleProto ("imcc.ir.v1"), verified by the
   * frontend. Caller destroys with Buffer_Destroy. */
  IMCC_Buffer* module;
  /* Optional trailing input: a caller that passes
   * IMCC_Frontend_Load_Args_MIN_SIZE omits it and gets the defaults.
   * Serialised imcc.plugin.OptionMap ("shape_only" = "true", ...).
   * Borrowed for the duration of the call. */
  const char* options;
  size_t options_size;
} IMCC_Frontend_Load_Args;
IMCC_DEFINE_STRUCT_TRAITS(IMCC_Frontend_Load_Args, options_size);
#define IMCC_Frontend_Load_Args_MIN_SIZE IMCC_STRUCT_SIZE(IMCC_Frontend_Load_Args, module)

/* Imports the model at `path`. Errors: NotFound (no file), InvalidArgument
 * (malformed model, with the file and node named), Unimplemented (an op the
 * frontend does not support, naming op type, node and file). */
typedef IMCC_Error* IMCC_Frontend_Load(IMCC_Frontend_Load_Args* args);

/* ----------------------------- Pass library ------------------------------- */

typedef struct IMCC_PassLibrary_List_Args {
  size_t struct_size;
  IMCC_Extension_Base* extension_start;
  /* out. Serialised imcc.plugin.PassLibraryProto: passes (name, summary,
   * typed options, input format), named pipelines and extension-point
   * additions. Caller destroys with Buffer_Destroy. */
  IMCC_Buffer* passes;
} IMCC_PassLibrary_List_Args;
IMCC_DEFINE_STRUCT_TRAITS(IMCC_PassLibrary_List_Args, passes);

/* Describes every pass this library provides. */
typedef IMCC_Error* IMCC_PassLibrary_List(IMCC_PassLibrary_List_Args* args);

typedef struct IMCC_Pass_Run_Args {
  size_t struct_size;
  IMCC_Extension_Base* extension_start;
  /* Pass name as listed. Borrowed for the duration of the call. */
  const char* pass_name;
  size_t pass_name_size;
  /* Serialised imcc.plugin.OptionMap of the pass's options, already checked
   * against its schema by the host. Borrowed for the duration of the call. */
  const char* options;
  size_t options_size;
  /* The module in the format the pass listed ("imcc.ir.v1" or
   * "imcc.ir.text.v1"). Borrowed for the duration of the call. */
  const char* module;
  size_t module_size;
  /* out. Serialised imcc.plugin.PassRunResultProto: changed flag, preserved
   * analyses and the module (same format as the input). Caller destroys
   * with Buffer_Destroy. */
  IMCC_Buffer* result;
} IMCC_Pass_Run_Args;
IMCC_DEFINE_STRUCT_TRAITS(IMCC_Pass_Run_Args, result);

/* Runs one pass on `module`. Errors: NotFound (unknown pass), InvalidArgument
 * (bad option value or module), or whatever the pass itself reports. */
typedef IMCC_Error* IMCC_Pass_Run(IMCC_Pass_Run_Args* args);

/* -------------------------------- Backend --------------------------------- */

typedef struct IMCC_Backend_Describe_Args {
  size_t struct_size;
  IMCC_Extension_Base* extension_start;
  /* out. Serialised imcc.plugin.BackendInfoProto: hardware families it
   * compiles for, its options with schemas, its program format. Caller
   * destroys with Buffer_Destroy. */
  IMCC_Buffer* info;
} IMCC_Backend_Describe_Args;
IMCC_DEFINE_STRUCT_TRAITS(IMCC_Backend_Describe_Args, info);

/* Describes the backend. Since ABI 0.2. */
typedef IMCC_Error* IMCC_Backend_Describe(IMCC_Backend_Describe_Args* args);

typedef struct IMCC_Backend_Compile_Args {
  size_t struct_size;
  IMCC_Extension_Base* extension_start;
  /* The module, "imcc.ir.v1" (weights may travel by reference). Borrowed
   * for the duration of the call. */
  const char* module;
  size_t module_size;
  /* Serialised imcc.hw.HardwareDescription, already validated by the
   * host. Borrowed for the duration of the call. */
  const char* hardware;
  size_t hardware_size;
  /* Serialised imcc.plugin.OptionMap of backend options, checked against
   * the schema from Backend_Describe. Borrowed for the duration of the
   * call. */
  const char* options;
  size_t options_size;
  IMCC_Buffer* program;       /* out. The program in the backend's format. */
  IMCC_Buffer* program_text;  /* out. Its readable text form. */
  IMCC_Buffer* report;        /* out. Serialised imcc.hw.Report of its simulation. */
  IMCC_Buffer* trace;         /* out. Chrome trace-event JSON of the simulation. */
  /* Functional mode (optional; size 0 = timing only): serialised
   * imcc.ir.TensorListProto ("imcc.tensors.v1"), one tensor per graph
   * input; the module must then carry its weights inline. Borrowed for the
   * duration of the call. */
  const char* inputs;
  size_t inputs_size;
  /* out. With inputs: the outputs the program computes on the backend's
   * functional model, as an imcc.tensors.v1 list; NULL otherwise. */
  IMCC_Buffer* outputs;
} IMCC_Backend_Compile_Args;
IMCC_DEFINE_STRUCT_TRAITS(IMCC_Backend_Compile_Args, outputs);

/* Maps, schedules and generates code for `module` on `hardware`, then
 * simulates the program (and, given inputs, executes it functionally,
 * adding the comparison with the backend's quantised reference to the
 * report). Every out buffer is the caller's to destroy.
 * Errors: InvalidArgument (bad option, unsupported target),
 * ResourceExhausted (the model does not fit), Unimplemented (an op or
 * attribute the backend does not support). Since ABI 0.2. */
typedef IMCC_Error* IMCC_Backend_Compile(IMCC_Backend_Compile_Args* args);

/* ------------------------------ Plugin table ------------------------------ */

/* Bitmask: one .so may provide several kinds. */
typedef enum {
  IMCC_PluginKind_kFrontend = 1,
  IMCC_PluginKind_kPassLibrary = 2,
  IMCC_PluginKind_kBackend = 4,
} IMCC_PluginKind;

typedef struct IMCC_AbiVersion {
  size_t struct_size;
  IMCC_Extension_Base* extension_start;
  int major;
  int minor;
} IMCC_AbiVersion;
IMCC_DEFINE_STRUCT_TRAITS(IMCC_AbiVersion, minor);

typedef struct IMCC_PluginApi {
  size_t struct_size;
  IMCC_Extension_Base* extension_start;
  IMCC_AbiVersion abi_version; /* The IMCC_ABI_* the plugin was built with. */
  uint32_t plugin_kind;        /* IMCC_PluginKind bits. */
  /* Lower-case plugin name ("onnx", "graph"); the loader keys on it. NUL-
   * terminated, process lifetime. */
  const char* name;
  /* The plugin's own version ("1.0.0"). NUL-terminated, process lifetime. */
  const char* version;

  IMCC_Error_Destroy* Error_Destroy;
  IMCC_Error_Message* Error_Message;
  IMCC_Error_GetCode* Error_GetCode;
  IMCC_Buffer_Destroy* Buffer_Destroy;
  IMCC_Buffer_Data* Buffer_Data;

  /* Frontend slots: NULL unless plugin_kind has kFrontend. */
  IMCC_Frontend_CanLoad* Frontend_CanLoad;
  IMCC_Frontend_Load* Frontend_Load;

  /* Pass-library slots: NULL unless plugin_kind has kPassLibrary. */
  IMCC_PassLibrary_List* PassLibrary_List;
  IMCC_Pass_Run* Pass_Run;

  /* Backend slots: NULL unless plugin_kind has kBackend. Since ABI 0.2. */
  IMCC_Backend_Describe* Backend_Describe;
  IMCC_Backend_Compile* Backend_Compile;
} IMCC_PluginApi;
IMCC_DEFINE_STRUCT_TRAITS(IMCC_PluginApi, Backend_Compile);

/* Returns the plugin's function table: a static the plugin owns for the
 * process lifetime. The only symbol a plugin .so exports. */
typedef const IMCC_PluginApi* IMCC_GetPluginApi_Fn(void);

#ifdef __cplusplus
}
#endif

#endif /* IMCC_PLUGINS_ABI_IMCC_PLUGIN_H_ */
