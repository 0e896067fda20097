#include "plugins/loader/loader.h"

#include <dlfcn.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "ir/serialize.h"
#include "ir/parser.h"
#include "ir/printer.h"
#include "ir/support/status_macros.h"
#include "plugins/abi/cpp/status_conversion.h"
#include "plugins/proto/plugin.pb.h"
#include "plugins/sdk/pass_library.h"

namespace imcc::plugin {
namespace {

namespace fs = std::filesystem;

constexpr size_t kMinApiSize = IMCC_STRUCT_SIZE(IMCC_PluginApi, Buffer_Data);

// Takes ownership of `buffer`: returns its bytes and destroys it.
std::string TakeBuffer(const IMCC_PluginApi& api, IMCC_Buffer* buffer) {
  if (buffer == nullptr) return std::string();
  IMCC_Buffer_Data_Args d{};
  d.struct_size = IMCC_Buffer_Data_Args_STRUCT_SIZE;
  d.buffer = buffer;
  api.Buffer_Data(&d);
  std::string out(d.data == nullptr ? "" : d.data, d.data_size);
  IMCC_Buffer_Destroy_Args x{};
  x.struct_size = IMCC_Buffer_Destroy_Args_STRUCT_SIZE;
  x.buffer = buffer;
  api.Buffer_Destroy(&x);
  return out;
}

passes::OptionSpec::Type FromProto(OptionSchema::Type t) {
  switch (t) {
    case OptionSchema::TYPE_INT: return passes::OptionSpec::Type::kInt;
    case OptionSchema::TYPE_FLOAT: return passes::OptionSpec::Type::kFloat;
    case OptionSchema::TYPE_BOOL: return passes::OptionSpec::Type::kBool;
    case OptionSchema::TYPE_ENUM: return passes::OptionSpec::Type::kEnum;
    default: return passes::OptionSpec::Type::kString;
  }
}

std::vector<passes::OptionSpec> SchemaFromProto(
    const google::protobuf::RepeatedPtrField<OptionSchema>& options) {
  std::vector<passes::OptionSpec> out;
  for (const OptionSchema& o : options) {
    out.push_back({o.name(), FromProto(o.type()), o.default_value(), o.doc(),
                   {o.choices().begin(), o.choices().end()}});
  }
  return out;
}

// A pass that lives in a plugin: serialises the module, calls Pass_Run and
// takes the result back. Weight payloads stay with the host (by reference)
// unless the pass reads weights.
class PluginPass : public passes::Pass {
 public:
  PluginPass(const LoadedPlugin* plugin, std::string name, passes::PassOptions options,
             std::string format, bool reads_weights)
      : plugin_(plugin),
        name_(std::move(name)),
        options_(std::move(options)),
        format_(std::move(format)),
        reads_weights_(reads_weights) {}

  absl::string_view name() const override { return name_; }

  absl::StatusOr<passes::PassResult> Run(ir::Module& module, passes::AnalysisManager&) override {
    const bool text = format_ == "imcc.ir.text.v1";
    ir::WeightStore store;
    ir::CollectWeights(module, store);
    const std::string in = text ? ir::PrintModule(module)
                                : ir::SerializeModule(module, reads_weights_
                                                                  ? ir::WeightMode::kInline
                                                                  : ir::WeightMode::kReference);
    const std::string opts = SerializeOptions(options_.given());
    IMCC_Pass_Run_Args args{};
    args.struct_size = IMCC_Pass_Run_Args_STRUCT_SIZE;
    args.pass_name = name_.data();
    args.pass_name_size = name_.size();
    args.options = opts.data();
    args.options_size = opts.size();
    args.module = in.data();
    args.module_size = in.size();
    const IMCC_PluginApi& api = plugin_->api();
    IMCC_RETURN_IF_ERROR(ImccErrorToStatus(api, api.Pass_Run(&args)));
    PassRunResultProto result;
    const std::string bytes = TakeBuffer(api, args.result);
    if (!result.ParseFromString(bytes)) {
      return absl::DataLossError(absl::StrCat("plugin '", plugin_->name(), "' returned a corrupt pass result"));
    }
    absl::StatusOr<ir::Module> out = text ? ir::ParseModule(result.module())
                                          : ir::DeserializeModule(result.module(), &store);
    if (!out.ok()) {
      return absl::Status(out.status().code(),
                          absl::StrCat("plugin '", plugin_->name(), "' returned a bad module: ",
                                       out.status().message()));
    }
    module = std::move(*out);
    passes::PassResult r;
    r.changed = result.changed();
    r.preserved = result.preserves_all() ? passes::PreservedAnalyses::All()
                                         : passes::PreservedAnalyses::None();
    for (const std::string& p : result.preserved()) r.preserved.Preserve(p);
    return r;
  }

 private:
  const LoadedPlugin* plugin_;
  std::string name_;
  passes::PassOptions options_;
  std::string format_;
  bool reads_weights_;
};

}  // namespace

LoadedPlugin::LoadedPlugin(std::string path, void* handle, const IMCC_PluginApi* api)
    : path_(std::move(path)),
      handle_(handle),
      api_(api),
      name_(api->name == nullptr ? "" : api->name),
      version_(api->version == nullptr ? "" : api->version) {}

// Plugins stay mapped for the life of the process, as PJRT and ONNX Runtime
// keep theirs: a plugin's statics (its table, its registries, the libraries
// it pulled in such as libonnx) may back objects the host still holds, and
// unloading C++ code with static state is not safe. dlopen reference-counts,
// so loading the same file again costs nothing.
LoadedPlugin::~LoadedPlugin() = default;

std::string KindsToString(uint32_t kinds) {
  std::vector<std::string> out;
  if (kinds & IMCC_PluginKind_kFrontend) out.push_back("frontend");
  if (kinds & IMCC_PluginKind_kPassLibrary) out.push_back("pass-library");
  if (kinds & IMCC_PluginKind_kBackend) out.push_back("backend");
  return out.empty() ? "none" : absl::StrJoin(out, "+");
}

absl::StatusOr<const LoadedPlugin*> PluginLoader::Load(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    return absl::NotFoundError(absl::StrCat("plugin '", path, "': no such file"));
  }
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* err = dlerror();
    return absl::InvalidArgumentError(absl::StrCat("plugin '", path,
                                                   "': not a loadable shared object (",
                                                   err == nullptr ? "unknown error" : err, ")"));
  }
  auto* get = reinterpret_cast<IMCC_GetPluginApi_Fn*>(dlsym(handle, IMCC_GET_PLUGIN_API_SYMBOL));
  if (get == nullptr) {
    dlclose(handle);
    return absl::InvalidArgumentError(absl::StrCat(
        "plugin '", path, "': does not export ", IMCC_GET_PLUGIN_API_SYMBOL, " (not an imcc plugin)"));
  }
  const IMCC_PluginApi* api = get();
  auto fail = [&](absl::Status s) {
    dlclose(handle);
    return s;
  };
  if (api == nullptr || api->struct_size < kMinApiSize) {
    return fail(absl::InvalidArgumentError(absl::StrCat(
        "plugin '", path, "': ", IMCC_GET_PLUGIN_API_SYMBOL, " returned ",
        api == nullptr ? "NULL" : absl::StrCat("a table of ", api->struct_size, " bytes"),
        ", need at least ", kMinApiSize)));
  }
  if (api->abi_version.major != IMCC_ABI_MAJOR) {
    return fail(absl::FailedPreconditionError(absl::StrCat(
        "plugin '", path, "' was built for imcc plugin ABI ", api->abi_version.major, ".",
        api->abi_version.minor, ", this host speaks ABI ", IMCC_ABI_MAJOR, ".", IMCC_ABI_MINOR,
        " (majors must match); rebuild the plugin")));
  }
  if (api->name == nullptr || api->name[0] == '\0') {
    return fail(absl::InvalidArgumentError(absl::StrCat("plugin '", path, "' has no name")));
  }
  if (api->Error_Destroy == nullptr || api->Error_Message == nullptr ||
      api->Error_GetCode == nullptr || api->Buffer_Destroy == nullptr ||
      api->Buffer_Data == nullptr) {
    return fail(absl::InvalidArgumentError(
        absl::StrCat("plugin '", path, "' lacks the error/buffer functions every plugin needs")));
  }
  for (const auto& p : plugins_) {
    if (p->name() == api->name) {
      return fail(absl::AlreadyExistsError(absl::StrCat("plugin name '", api->name, "' from '", path,
                                                        "' is already loaded from '", p->path(), "'")));
    }
  }
  plugins_.push_back(std::make_unique<LoadedPlugin>(path, handle, api));
  return plugins_.back().get();
}

absl::Status PluginLoader::LoadAll(const std::vector<std::string>& paths) {
  for (const std::string& root : paths) {
    std::error_code ec;
    if (fs::is_regular_file(root, ec)) {
      IMCC_RETURN_IF_ERROR(Load(root).status());
      continue;
    }
    if (!fs::is_directory(root, ec)) continue;
    std::vector<std::string> found;
    for (auto it = fs::recursive_directory_iterator(
             root, fs::directory_options::follow_directory_symlink, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      const std::string file = it->path().filename().string();
      if (absl::StartsWith(file, "lib") && absl::EndsWith(file, "_plugin.so") &&
          !it->is_directory(ec)) {
        found.push_back(it->path().string());
      }
    }
    std::sort(found.begin(), found.end());
    for (const std::string& f : found) {
      absl::StatusOr<const LoadedPlugin*> p = Load(f);
      // The same plugin seen twice on the path (runfiles + IMCC_PLUGIN_PATH)
      // is not an error; two different plugins with one name are.
      if (!p.ok() && p.status().code() == absl::StatusCode::kAlreadyExists) {
        bool same_file = false;
        for (const auto& q : plugins_) {
          std::error_code e2;
          same_file |= fs::equivalent(q->path(), f, e2) ||
                       fs::path(q->path()).filename() == fs::path(f).filename();
        }
        if (same_file) continue;
      }
      IMCC_RETURN_IF_ERROR(p.status());
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<ir::Module> PluginLoader::ImportModel(
    const std::string& model_path,
    const std::vector<std::pair<std::string, std::string>>& options) const {
  std::ifstream f(model_path, std::ios::binary);
  if (!f) return absl::NotFoundError(absl::StrCat(model_path, ": no such file"));
  std::string header(4096, '\0');
  f.read(header.data(), static_cast<std::streamsize>(header.size()));
  header.resize(static_cast<size_t>(f.gcount()));
  std::vector<std::string> frontends;
  for (const auto& p : plugins_) {
    if (!(p->kinds() & IMCC_PluginKind_kFrontend) ||
        !p->HasSlot(IMCC_STRUCT_SIZE(IMCC_PluginApi, Frontend_Load)) ||
        p->api().Frontend_CanLoad == nullptr || p->api().Frontend_Load == nullptr) {
      continue;
    }
    frontends.push_back(p->name());
    IMCC_Frontend_CanLoad_Args can{};
    can.struct_size = IMCC_Frontend_CanLoad_Args_STRUCT_SIZE;
    can.path = model_path.data();
    can.path_size = model_path.size();
    can.header = header.data();
    can.header_size = header.size();
    IMCC_RETURN_IF_ERROR(ImccErrorToStatus(p->api(), p->api().Frontend_CanLoad(&can)));
    if (!can.can_load) continue;
    const std::string opts = SerializeOptions(options);
    IMCC_Frontend_Load_Args load{};
    load.struct_size = IMCC_Frontend_Load_Args_STRUCT_SIZE;
    load.path = model_path.data();
    load.path_size = model_path.size();
    load.options = opts.data();
    load.options_size = opts.size();
    IMCC_RETURN_IF_ERROR(ImccErrorToStatus(p->api(), p->api().Frontend_Load(&load)));
    const std::string bytes = TakeBuffer(p->api(), load.module);
    absl::StatusOr<ir::Module> m = ir::DeserializeModule(bytes);
    if (!m.ok()) {
      return absl::Status(m.status().code(), absl::StrCat("frontend '", p->name(),
                                                          "' returned a bad module for ", model_path,
                                                          ": ", m.status().message()));
    }
    return m;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      model_path, ": no loaded frontend recognises this file (frontends: ",
      frontends.empty() ? std::string("none") : absl::StrJoin(frontends, ", "), ")"));
}

absl::Status PluginLoader::RegisterPasses(passes::PassRegistry& registry) const {
  for (const auto& p : plugins_) {
    if (!(p->kinds() & IMCC_PluginKind_kPassLibrary) ||
        !p->HasSlot(IMCC_STRUCT_SIZE(IMCC_PluginApi, Pass_Run)) ||
        p->api().PassLibrary_List == nullptr || p->api().Pass_Run == nullptr) {
      continue;
    }
    IMCC_PassLibrary_List_Args list{};
    list.struct_size = IMCC_PassLibrary_List_Args_STRUCT_SIZE;
    IMCC_RETURN_IF_ERROR(ImccErrorToStatus(p->api(), p->api().PassLibrary_List(&list)));
    PassLibraryProto lib;
    if (!lib.ParseFromString(TakeBuffer(p->api(), list.passes))) {
      return absl::DataLossError(absl::StrCat("plugin '", p->name(), "' listed corrupt passes"));
    }
    const LoadedPlugin* plugin = p.get();
    for (const PassInfo& pi : lib.passes()) {
      passes::PassInfo info;
      info.name = pi.name();
      info.summary = pi.summary();
      info.input_format = pi.input_format().empty() ? "imcc.ir.v1" : pi.input_format();
      info.reads_weights = pi.reads_weights();
      info.provider = p->name();
      if (info.input_format != "imcc.ir.v1" && info.input_format != "imcc.ir.text.v1") {
        return absl::InvalidArgumentError(absl::StrCat("plugin '", p->name(), "': pass '",
                                                       pi.name(), "' wants unknown format '",
                                                       info.input_format, "'"));
      }
      info.options = SchemaFromProto(pi.options());
      const std::string name = info.name, format = info.input_format;
      const bool reads = info.reads_weights;
      info.factory = [plugin, name, format,
                      reads](const passes::PassOptions& o) -> absl::StatusOr<std::unique_ptr<passes::Pass>> {
        return std::make_unique<PluginPass>(plugin, name, o, format, reads);
      };
      IMCC_RETURN_IF_ERROR(registry.RegisterPass(std::move(info)));
    }
    for (const PipelineInfo& pl : lib.pipelines()) {
      IMCC_RETURN_IF_ERROR(
          registry.RegisterPipeline({pl.name(), pl.pipeline(), pl.summary(), p->name()}));
    }
    for (const ExtensionInfo& e : lib.extensions()) {
      std::optional<passes::ExtensionPoint> point = passes::ExtensionPointFromName(e.point());
      if (!point.has_value()) {
        return absl::InvalidArgumentError(absl::StrCat("plugin '", p->name(),
                                                       "' names unknown extension point '",
                                                       e.point(), "'"));
      }
      IMCC_RETURN_IF_ERROR(registry.AddExtension({*point, e.pipeline(), e.before(), e.after(), p->name()}));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::pair<const LoadedPlugin*, std::string>> PluginLoader::FindBackend(
    absl::string_view family) const {
  std::vector<std::string> seen;
  for (const auto& p : plugins_) {
    if (!(p->kinds() & IMCC_PluginKind_kBackend) ||
        !p->HasSlot(IMCC_STRUCT_SIZE(IMCC_PluginApi, Backend_Compile)) ||
        p->api().Backend_Describe == nullptr || p->api().Backend_Compile == nullptr) {
      continue;
    }
    IMCC_Backend_Describe_Args d{};
    d.struct_size = IMCC_Backend_Describe_Args_STRUCT_SIZE;
    IMCC_RETURN_IF_ERROR(ImccErrorToStatus(p->api(), p->api().Backend_Describe(&d)));
    std::string bytes = TakeBuffer(p->api(), d.info);
    BackendInfoProto info;
    if (!info.ParseFromString(bytes)) {
      return absl::DataLossError(absl::StrCat("plugin '", p->name(), "' returned a corrupt backend description"));
    }
    seen.push_back(absl::StrCat(p->name(), " (", absl::StrJoin(info.families(), ", "), ")"));
    for (const std::string& f : info.families()) {
      if (f == family) return std::make_pair(p.get(), std::move(bytes));
    }
  }
  return absl::NotFoundError(absl::StrCat("no loaded backend plugin compiles for '", family, "' (backends: ",
                                          seen.empty() ? std::string("none") : absl::StrJoin(seen, "; "), ")"));
}

absl::StatusOr<PluginLoader::BackendOutput> PluginLoader::CompileWithBackend(
    const LoadedPlugin& backend, const std::string& info_bytes, const ir::Module& module,
    const std::string& hardware, const std::vector<std::pair<std::string, std::string>>& options,
    const std::string& functional_inputs) const {
  BackendInfoProto info;
  info.ParseFromString(info_bytes);
  const std::vector<passes::OptionSpec> schema = SchemaFromProto(info.options());
  IMCC_RETURN_IF_ERROR(
      passes::PassOptions::ParseFor(absl::StrCat("backend '", backend.name(), "'"), schema, options).status());
  const std::string mod = ir::SerializeModule(
      module, functional_inputs.empty() ? ir::WeightMode::kReference : ir::WeightMode::kInline);
  const std::string opts = SerializeOptions(options);
  IMCC_Backend_Compile_Args a{};
  a.inputs = functional_inputs.data();
  a.inputs_size = functional_inputs.size();
  a.struct_size = IMCC_Backend_Compile_Args_STRUCT_SIZE;
  a.module = mod.data();
  a.module_size = mod.size();
  a.hardware = hardware.data();
  a.hardware_size = hardware.size();
  a.options = opts.data();
  a.options_size = opts.size();
  const IMCC_PluginApi& api = backend.api();
  absl::Status s = ImccErrorToStatus(api, api.Backend_Compile(&a));
  BackendOutput out;
  out.program = TakeBuffer(api, a.program);
  out.program_text = TakeBuffer(api, a.program_text);
  out.report = TakeBuffer(api, a.report);
  out.trace = TakeBuffer(api, a.trace);
  out.outputs = TakeBuffer(api, a.outputs);
  if (!s.ok()) return s;
  return out;
}

std::vector<std::string> DefaultPluginSearchPath(const std::string& argv0) {
  std::vector<std::string> out;
  std::error_code ec;
  auto add_runfiles = [&](const std::string& dir) {
    if (dir.empty() || !fs::is_directory(dir, ec)) return;
    // In-tree plugins live under these packages of the runfiles tree.
    for (const char* sub : {"imcc/frontends", "imcc/passes", "imcc/backends"}) {
      const std::string d = dir + "/" + sub;
      if (fs::is_directory(d, ec) && std::find(out.begin(), out.end(), d) == out.end()) {
        out.push_back(d);
      }
    }
  };
  if (const char* r = std::getenv("RUNFILES_DIR")) add_runfiles(r);
  if (const char* t = std::getenv("TEST_SRCDIR")) add_runfiles(t);
  if (!argv0.empty()) add_runfiles(argv0 + ".runfiles");
  if (const char* p = std::getenv("IMCC_PLUGIN_PATH")) {
    for (absl::string_view e : absl::StrSplit(p, ':', absl::SkipEmpty())) out.emplace_back(e);
  }
  return out;
}

}  // namespace imcc::plugin
