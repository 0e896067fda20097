#include "plugins/sdk/pass_library.h"

#include "absl/strings/str_cat.h"
#include "ir/serialize.h"
#include "ir/support/status_macros.h"
#include "plugins/abi/cpp/status_conversion.h"
#include "plugins/proto/plugin.pb.h"

namespace imcc::plugin {
namespace {

OptionSchema::Type ToProto(passes::OptionSpec::Type t) {
  switch (t) {
    case passes::OptionSpec::Type::kInt: return OptionSchema::TYPE_INT;
    case passes::OptionSpec::Type::kFloat: return OptionSchema::TYPE_FLOAT;
    case passes::OptionSpec::Type::kBool: return OptionSchema::TYPE_BOOL;
    case passes::OptionSpec::Type::kString: return OptionSchema::TYPE_STRING;
    case passes::OptionSpec::Type::kEnum: return OptionSchema::TYPE_ENUM;
  }
  return OptionSchema::TYPE_UNSPECIFIED;
}

absl::StatusOr<std::string> Run(const passes::PassRegistry& registry, IMCC_Pass_Run_Args* args) {
  const std::string name = ToString(args->pass_name, args->pass_name_size);
  const passes::PassInfo* info = registry.FindPass(name);
  if (info == nullptr) return absl::NotFoundError(absl::StrCat("unknown pass '", name, "'"));
  IMCC_ASSIGN_OR_RETURN(auto given, ParseOptions(args->options, args->options_size));
  IMCC_ASSIGN_OR_RETURN(passes::PassOptions opts,
                        passes::PassOptions::Parse(name, info->options, given));
  IMCC_ASSIGN_OR_RETURN(std::unique_ptr<passes::Pass> pass, info->factory(opts));
  IMCC_RETURN_IF_ERROR(pass->Initialize(passes::PassContext{}));
  IMCC_ASSIGN_OR_RETURN(ir::Module module, ir::DeserializeModule(absl::string_view(
                                               args->module, args->module_size)));
  passes::AnalysisManager analyses(module);
  IMCC_ASSIGN_OR_RETURN(passes::PassResult r, pass->Run(module, analyses));
  PassRunResultProto out;
  out.set_changed(r.changed);
  out.set_preserves_all(!r.changed || r.preserved.all());
  for (const std::string& p : r.preserved.names()) out.add_preserved(p);
  out.set_module(ir::SerializeModule(module, ir::WeightMode::kInline));
  return out.SerializeAsString();
}

}  // namespace

std::string SerializeOptions(const std::vector<std::pair<std::string, std::string>>& options) {
  OptionMap map;
  for (const auto& [k, v] : options) {
    OptionMap::Entry* e = map.add_entries();
    e->set_key(k);
    e->set_value(v);
  }
  return map.SerializeAsString();
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ParseOptions(const char* data,
                                                                              size_t size) {
  OptionMap map;
  if (data != nullptr && !map.ParseFromArray(data, static_cast<int>(size))) {
    return absl::DataLossError("options are not a serialised imcc.plugin.OptionMap");
  }
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& e : map.entries()) out.emplace_back(e.key(), e.value());
  return out;
}

IMCC_Error* ListPasses(const passes::PassRegistry& registry, IMCC_PassLibrary_List_Args* args) {
  return Guarded("PassLibrary_List", [&]() -> IMCC_Error* {
    if (IMCC_Error* e = CheckArgs(args, IMCC_PassLibrary_List_Args_STRUCT_SIZE, "PassLibrary_List")) {
      return e;
    }
    PassLibraryProto lib;
    for (const auto& [name, info] : registry.passes()) {
      PassInfo* p = lib.add_passes();
      p->set_name(name);
      p->set_summary(info.summary);
      p->set_input_format(info.input_format);
      p->set_reads_weights(info.reads_weights);
      for (const passes::OptionSpec& o : info.options) {
        OptionSchema* s = p->add_options();
        s->set_name(o.name);
        s->set_type(ToProto(o.type));
        s->set_default_value(o.default_value);
        s->set_doc(o.doc);
        for (const std::string& c : o.choices) s->add_choices(c);
      }
    }
    for (const auto& [name, def] : registry.pipelines()) {
      PipelineInfo* p = lib.add_pipelines();
      p->set_name(name);
      p->set_pipeline(def.pipeline);
      p->set_summary(def.summary);
    }
    for (const passes::ExtensionDef& ext : registry.extensions()) {
      ExtensionInfo* e = lib.add_extensions();
      e->set_point(std::string(passes::ExtensionPointName(ext.point)));
      e->set_pipeline(ext.pipeline);
      e->set_before(ext.before);
      e->set_after(ext.after);
    }
    args->passes = MakeBuffer(lib.SerializeAsString());
    return nullptr;
  });
}

IMCC_Error* RunPass(const passes::PassRegistry& registry, IMCC_Pass_Run_Args* args) {
  return Guarded("Pass_Run", [&]() -> IMCC_Error* {
    if (IMCC_Error* e = CheckArgs(args, IMCC_Pass_Run_Args_STRUCT_SIZE, "Pass_Run")) return e;
    absl::StatusOr<std::string> result = Run(registry, args);
    if (!result.ok()) return StatusToImccError(result.status());
    args->result = MakeBuffer(std::move(*result));
    return nullptr;
  });
}

}  // namespace imcc::plugin
