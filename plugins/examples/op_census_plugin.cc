// An example third-party imcc plugin. It builds against the public C header
// and the header-only C++ shim alone (no imcc IR, Abseil or protobuf), and
// provides one pass, "op-census", that works on the text IR
// ("imcc.ir.text.v1"): it records how many nodes of each op the module has
// as module metadata ("op-census.nn.conv" = "20"), e.g.
//
//   before:  module @m {            after:  module @m {
//              ...                            metadata "op-census.nn.relu" = "1"
//              %y = nn.relu(%x) ...           ...
//
// The pass list and results are tiny protobuf messages (imcc.plugin.*); this
// file writes and reads their few fields by hand so that it needs no
// protobuf library: a plugin may carry its own serialiser.
#include <cstring>
#include <map>
#include <sstream>
#include <string>

#include "plugins/abi/cpp/plugin_shim.h"
#include "plugins/abi/imcc_plugin.h"

namespace {

using imcc::plugin::MakeBuffer;
using imcc::plugin::MakeError;

// --- minimal protobuf wire-format writer (length-delimited and varints) ---
void PutVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}
void PutBytes(std::string& out, int field, const std::string& bytes) {
  PutVarint(out, (static_cast<uint64_t>(field) << 3) | 2);
  PutVarint(out, bytes.size());
  out += bytes;
}
void PutBool(std::string& out, int field, bool v) {
  PutVarint(out, static_cast<uint64_t>(field) << 3);
  PutVarint(out, v ? 1 : 0);
}

constexpr char kPassName[] = "op-census";
constexpr char kMetaPrefix[] = "op-census.";

// Returns the text with op-census metadata lines for the module's nodes.
std::string Census(const std::string& text, bool* changed) {
  std::map<std::string, int> counts;
  std::istringstream in(text);
  std::string line, header, body;
  bool first = true;
  while (std::getline(in, line)) {
    if (first) {
      header = line;
      first = false;
      continue;
    }
    if (line.find("  metadata \"op-census.") == 0) continue;  // recomputed below
    body += line + "\n";
    if (line.size() > 2 && line[2] == '%') {
      const size_t eq = line.find(" = ");
      const size_t paren = line.find('(', eq == std::string::npos ? 0 : eq);
      if (eq != std::string::npos && paren != std::string::npos) {
        counts[line.substr(eq + 3, paren - eq - 3)]++;
      }
    }
  }
  std::string out = header + "\n";
  for (const auto& [op, n] : counts) {
    out += "  metadata \"" + std::string(kMetaPrefix) + op + "\" = \"" + std::to_string(n) + "\"\n";
  }
  out += body;
  *changed = out != text;
  return out;
}

IMCC_Error* List(IMCC_PassLibrary_List_Args* args) {
  return imcc::plugin::Guarded("PassLibrary_List", [&]() -> IMCC_Error* {
    if (IMCC_Error* e = imcc::plugin::CheckArgs(args, IMCC_PassLibrary_List_Args_STRUCT_SIZE,
                                                "PassLibrary_List")) {
      return e;
    }
    std::string pass;  // imcc.plugin.PassInfo
    PutBytes(pass, 1, kPassName);
    PutBytes(pass, 2, "record node counts per op as module metadata (example plugin)");
    PutBytes(pass, 4, "imcc.ir.text.v1");
    std::string lib;  // imcc.plugin.PassLibraryProto
    PutBytes(lib, 1, pass);
    args->passes = MakeBuffer(lib);
    return nullptr;
  });
}

IMCC_Error* Run(IMCC_Pass_Run_Args* args) {
  return imcc::plugin::Guarded("Pass_Run", [&]() -> IMCC_Error* {
    if (IMCC_Error* e = imcc::plugin::CheckArgs(args, IMCC_Pass_Run_Args_STRUCT_SIZE, "Pass_Run")) {
      return e;
    }
    const std::string name = imcc::plugin::ToString(args->pass_name, args->pass_name_size);
    if (name != kPassName) {
      return MakeError(IMCC_ErrorCode_kNotFound, "unknown pass '" + name + "'");
    }
    if (args->options_size != 0) {
      return MakeError(IMCC_ErrorCode_kInvalidArgument, "pass 'op-census' takes no options");
    }
    const std::string text = imcc::plugin::ToString(args->module, args->module_size);
    if (text.rfind("module @", 0) != 0) {
      return MakeError(IMCC_ErrorCode_kInvalidArgument, "op-census: input is not imcc text IR");
    }
    bool changed = false;
    const std::string out = Census(text, &changed);
    std::string result;  // imcc.plugin.PassRunResultProto
    PutBool(result, 1, changed);
    PutBool(result, 3, true);  // metadata only: every analysis stays valid
    PutBytes(result, 4, out);
    args->result = MakeBuffer(result);
    return nullptr;
  });
}

}  // namespace

extern "C" IMCC_PLUGIN_EXPORT const IMCC_PluginApi* IMCC_GetPluginApi(void) {
  // Process lifetime.
  static const IMCC_PluginApi api = [] {
    IMCC_PluginApi a =
        imcc::plugin::MakeApiTable(IMCC_PluginKind_kPassLibrary, "op-census", "1.0.0");
    a.PassLibrary_List = &List;
    a.Pass_Run = &Run;
    return a;
  }();
  return &api;
}
