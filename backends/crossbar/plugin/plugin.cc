// Exports the crossbar PIM backend (PIMCOMP / CIM-MLC flow) as the imcc
// plugin "crossbar": Backend_Describe and Backend_Compile.
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "backends/crossbar/compiler.h"
#include "backends/crossbar/functional.h"
#include "backends/crossbar/partitioned.h"
#include "hwmodels/hardware.h"
#include "hwmodels/sim/report.h"
#include "ir/serialize.h"
#include "ir/support/status_macros.h"
#include "plugins/abi/cpp/plugin_shim.h"
#include "plugins/abi/cpp/status_conversion.h"
#include "plugins/abi/imcc_plugin.h"
#include "plugins/proto/plugin.pb.h"
#include "plugins/sdk/pass_library.h"

namespace {

using imcc::plugin::MakeBuffer;

void AddOption(imcc::plugin::BackendInfoProto& info, const char* name, imcc::plugin::OptionSchema::Type type,
               const char* def, const char* doc, std::vector<const char*> choices = {}) {
  imcc::plugin::OptionSchema* o = info.add_options();
  o->set_name(name);
  o->set_type(type);
  o->set_default_value(def);
  o->set_doc(doc);
  for (const char* c : choices) o->add_choices(c);
}

IMCC_Error* Describe(IMCC_Backend_Describe_Args* args) {
  return imcc::plugin::Guarded("Backend_Describe", [&]() -> IMCC_Error* {
    if (IMCC_Error* e = imcc::plugin::CheckArgs(args, IMCC_Backend_Describe_Args_STRUCT_SIZE, "Backend_Describe")) {
      return e;
    }
    imcc::plugin::BackendInfoProto info;
    info.set_name("crossbar");
    info.add_families("crossbar");
    info.set_program_format("imcc.crossbar.program.v1");
    info.set_summary("crossbar PIM: tiling, replication, placement, element/batch pipelines (PIMCOMP, CIM-MLC)");
    using T = imcc::plugin::OptionSchema;
    AddOption(info, "schedule", T::TYPE_ENUM, "latency", "low-latency element pipeline or high-throughput batch pipeline",
              {"latency", "throughput"});
    AddOption(info, "replication", T::TYPE_ENUM, "balance", "weight replication strategy",
              {"none", "uniform", "balance", "dp", "optimal"});
    AddOption(info, "granularity", T::TYPE_ENUM, "native", "programming granularity (native: the target's)",
              {"native", "core", "crossbar", "wordline"});
    AddOption(info, "batch", T::TYPE_INT, "0", "samples to simulate (0: 1 for latency, 16 for throughput)");
    AddOption(info, "partition", T::TYPE_ENUM, "auto",
              "partition models larger than the chip (auto: only when needed, with the GA)",
              {"auto", "none", "greedy", "layerwise", "ga", "dp"});
    AddOption(info, "objective", T::TYPE_ENUM, "throughput", "what partitioning optimises",
              {"latency", "throughput", "energy", "edp"});
    args->info = MakeBuffer(info.SerializeAsString());
    return nullptr;
  });
}

absl::Status CompileImpl(IMCC_Backend_Compile_Args* args) {
  imcc::hw::HardwareDescription hw;
  if (!hw.ParseFromArray(args->hardware, static_cast<int>(args->hardware_size))) {
    return absl::DataLossError("hardware description is not a serialised imcc.hw.HardwareDescription");
  }
  IMCC_ASSIGN_OR_RETURN(imcc::ir::Module module,
                        imcc::ir::DeserializeModule(absl::string_view(args->module, args->module_size)));
  IMCC_ASSIGN_OR_RETURN(auto options, imcc::plugin::ParseOptions(args->options, args->options_size));
  imcc::crossbar::CompileOptions o;
  imcc::crossbar::PartitionOptions p;
  for (const auto& [k, v] : options) {
    if (k == "schedule") {
      o.schedule = v;
    } else if (k == "replication") {
      std::optional<imcc::crossbar::ReplicationStrategy> s = imcc::crossbar::StrategyFromName(v);
      if (!s.has_value()) return absl::InvalidArgumentError(absl::StrCat("unknown replication '", v, "'"));
      o.replication = *s;
    } else if (k == "granularity") {
      o.granularity = v == "native" ? "" : v;
    } else if (k == "batch") {
      o.batch = std::strtoll(v.c_str(), nullptr, 10);
    } else if (k == "partition") {
      p.method = v;
    } else if (k == "objective") {
      p.objective = v;
    } else {
      return absl::InvalidArgumentError(absl::StrCat("crossbar backend has no option '", k, "'"));
    }
  }
  IMCC_ASSIGN_OR_RETURN(imcc::crossbar::Compiled compiled, imcc::crossbar::CompileWithPartitions(module, hw, o, p));
  imcc::hw::sim::Result result;
  IMCC_ASSIGN_OR_RETURN(imcc::hw::Report report, imcc::crossbar::SimulateProgram(compiled, module, hw, &result));
  args->outputs = nullptr;
  if (args->inputs_size > 0) {
    // Functional mode: quantise to the target's precision (calibrated on
    // these inputs), run on the bit-level crossbar model and compare with
    // the quantised reference interpreter.
    IMCC_ASSIGN_OR_RETURN(std::vector<imcc::ir::TensorBytes> raw,
                          imcc::ir::DeserializeTensors(absl::string_view(args->inputs, args->inputs_size)));
    std::vector<imcc::ir::HostTensor> inputs;
    for (const imcc::ir::TensorBytes& t : raw) {
      imcc::ir::WeightData w;
      w.bytes = t.data;
      IMCC_ASSIGN_OR_RETURN(imcc::ir::HostTensor h, imcc::ir::DecodeWeight(t.type, w));
      inputs.push_back(std::move(h));
    }
    const imcc::hw::Array& array = hw.chip().core().array();
    // A partitioned program computes its split layers part by part; run
    // exactly that (the weights of each partition are the ones written).
    const imcc::ir::Module& executed = compiled.executed != nullptr ? *compiled.executed : module;
    IMCC_ASSIGN_OR_RETURN(imcc::ir::Module quantised, imcc::crossbar::QuantizeForCrossbar(executed, inputs, array));
    IMCC_ASSIGN_OR_RETURN(std::vector<imcc::ir::HostTensor> reference, imcc::ir::Interpret(quantised, inputs));
    IMCC_ASSIGN_OR_RETURN(imcc::crossbar::FunctionalResult run,
                          imcc::crossbar::RunOnCrossbars(quantised, array, inputs, {.program = &compiled.program}));
    auto metric = [&](const char* name, double v) {
      imcc::hw::Metric* m = report.add_metrics();
      m->set_name(name);
      m->set_value(v);
    };
    metric("functional_vs_quantised_max_abs_diff", imcc::crossbar::MaxAbsDiff(run.outputs, reference));
    metric("adc_bits", array.adc_bits());
    metric("adc_lossless_bits", imcc::hw::LosslessAdcBits(array));
    metric("adc_conversions", static_cast<double>(run.adc_conversions));
    metric("adc_saturations", static_cast<double>(run.adc_saturations));
    metric("functional_weight_writes", static_cast<double>(run.weight_writes));
    metric("functional_weights_written", static_cast<double>(run.weights_written));
    metric("weight_bits", array.weight_bits());
    metric("input_bits", array.input_bits());
    std::vector<imcc::ir::TensorType> types;
    std::vector<std::string> data;
    for (const imcc::ir::HostTensor& t : run.outputs) {
      types.push_back(t.type);
      data.push_back(imcc::ir::EncodeTensor(t));
    }
    args->outputs = MakeBuffer(imcc::ir::SerializeTensors(types, data));
    report.set_model(module.name());
  }
  args->program = MakeBuffer(compiled.program.SerializeAsString());
  args->program_text = MakeBuffer(absl::StrCat(imcc::crossbar::ProgramToText(compiled.program), "\n",
                                               imcc::crossbar::ProgramToMetaOps(compiled.program)));
  args->report = MakeBuffer(report.SerializeAsString());
  args->trace = MakeBuffer(imcc::hw::sim::TraceJson(compiled.simulation, result));
  return absl::OkStatus();
}

IMCC_Error* Compile(IMCC_Backend_Compile_Args* args) {
  return imcc::plugin::Guarded("Backend_Compile", [&]() -> IMCC_Error* {
    if (IMCC_Error* e = imcc::plugin::CheckArgs(args, IMCC_Backend_Compile_Args_STRUCT_SIZE, "Backend_Compile")) {
      return e;
    }
    return imcc::plugin::StatusToImccError(CompileImpl(args));
  });
}

}  // namespace

extern "C" IMCC_PLUGIN_EXPORT const IMCC_PluginApi* IMCC_GetPluginApi(void) {
  // Process lifetime.
  static const IMCC_PluginApi api = [] {
    IMCC_PluginApi a = imcc::plugin::MakeApiTable(IMCC_PluginKind_kBackend, "crossbar", "0.1.0");
    a.Backend_Describe = &Describe;
    a.Backend_Compile = &Compile;
    return a;
  }();
  return &api;
}
