// imcc compile: the main driver. Imports a model through a frontend plugin,
// runs a pass pipeline and writes or prints the result. Hardware backends
// (and with them --target, --emit=program|report) arrive with the hwmodels
// and backend issues; until then it emits the canonicalised IR and a summary.
#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "hwmodels/hardware.h"
#include "hwmodels/sim/report.h"
#include "frontends/onnx/tensor_io.h"
#include "ir/interpreter.h"
#include "ir/printer.h"
#include "ir/serialize.h"
#include "ir/support/status_macros.h"
#include "passes/analysis/op_stats.h"
#include "tools/common/driver.h"

namespace imcc::tools {
namespace {

constexpr char kProgram[] = "imcc compile";
constexpr char kDefaultModel[] = "testdata/models/resnet18.onnx";
constexpr char kDefaultTarget[] = "pimcomp-default";

constexpr char kUsage[] =
    "imcc compile: compile a model for an in-memory-computing accelerator.\n"
    "\n"
    "Usage: bazel run //tools:compile -- [--model=FILE] [--target=PRESET_OR_FILE]\n"
    "         [--schedule=throughput|latency] [--replication=none|uniform|balance|dp|optimal]\n"
    "         [--granularity=core|crossbar|wordline] [--batch=N] [--pipeline=TEXT]\n"
    "         [--partition=auto|none|greedy|layerwise|ga|dp] [--objective=latency|throughput|energy|edp]\n"
    "         [--emit=summary|ir|program|report] [--out=DIR] [--plugin=SO]...\n"
    "\n"
    "With no arguments it compiles the built-in default model (testdata/models/resnet18.onnx,\n"
    "shape-only) for the pimcomp-default preset and prints a short summary. Relative paths\n"
    "are taken from the directory `bazel run` was started in.\n"
    "\n"
    "The model is imported by a frontend plugin, the graph pipeline runs, and a backend\n"
    "plugin for the target's family maps, schedules, generates the program and simulates it.\n"
    "--target=none stops after the graph pipeline. --emit=summary prints the summary;\n"
    "--emit=ir the canonicalised IR (weights elided); --emit=program the program's text;\n"
    "--emit=report report.json. --out=DIR writes module.imcc, module.pb, summary.txt and,\n"
    "with a target, program.txt, program.pb, report.json and trace.json (Chrome trace\n"
    "format), each atomically. report.json's compile_ms is wall time, the one field that\n"
    "differs between runs (--norecord-compile-time writes 0).\n"
    "\n"
    "--verify=IN.pb quantises the model to the target's weight/input precision (calibrated\n"
    "on IN), executes the program on the backend's bit-level functional model and compares:\n"
    "with the quantised reference (must be bit-exact when the target's ADC is lossless) and\n"
    "with the fp32 reference within tolerance = max|ref| * max(0.02, 4 / 2^(bits-1)), bits\n"
    "the smaller of weight and input bits; --expect=OUT.pb compares with given outputs too.\n"
    "The exit status is 0 only when every comparison holds; report.json states the errors.";

void DeclareFlags(FlagSet& f) {
  f.String("model", "", "model file (ONNX); default: the built-in resnet18");
  f.String("target", kDefaultTarget, "hardware preset name or .textproto file; 'none' for no hardware");
  f.String("schedule", "latency", "throughput (batch pipeline) | latency (element pipeline)");
  f.String("replication", "balance", "weight replication: none | uniform | balance | dp | optimal");
  f.String("granularity", "native", "programming granularity: native (the target's) | core | crossbar | wordline");
  f.Int("batch", 0, "samples to simulate (0: 1 for latency, 16 for throughput)");
  f.String("partition", "auto",
           "models larger than the chip: auto (partition only when needed) | none | greedy | layerwise | ga | dp");
  f.String("objective", "throughput", "what partitioning optimises: latency | throughput | energy | edp");
  f.String("verify", "",
           "run the compiled program functionally on these inputs (ONNX TensorProto files, comma-separated, "
           "one per model input) and compare with the reference interpreter; needs a model with weights");
  f.String("expect", "", "with --verify: expected outputs (TensorProto files, comma-separated) to compare too");
  f.Bool("record-compile-time", true, "write the wall-clock compile time into report.json (compile_ms)");
  f.Bool("list-targets", false, "list the hardware presets, one line each, then exit");
  f.String("describe-target", "", "print a preset or .textproto with every field's value, meaning and unit, then exit");
  f.String("pipeline", "imcc-default", "pass pipeline, e.g. 'canonicalize,fold-batch-norm'");
  f.Int("fill-weights", -1,
        "give shape-only weights seeded synthetic values (this seed; -1: off), so weight-stripped "
        "models can run with --verify; runs fill-weights{seed=N} before the pipeline");
  f.String("emit", "summary", "what to print: summary | ir | program | report");
  f.String("out", "", "directory to write module.imcc, module.pb and summary.txt into");
  f.Bool("shape-only", false, "import weights without their data");
  AddPassManagerFlags(f);
  AddInfoFlags(f);
}

std::string Summary(const ir::Module& m, const std::string& model, const std::string& pipeline,
                    const passes::PassManager& pm) {
  passes::AnalysisManager am(m);
  const passes::OpStatsAnalysis& stats = am.Get<passes::OpStatsAnalysis>();
  const ir::Graph& g = m.graph();
  std::string out = absl::StrCat("model: ", model, "\nmodule: @", m.name(), "\n");
  for (ir::ValueId in : g.inputs()) {
    absl::StrAppend(&out, "input:  %", g.value(in).name, " : ", ir::TypeToString(g.value(in).type), "\n");
  }
  for (ir::ValueId o : g.outputs()) {
    absl::StrAppend(&out, "output: %", g.value(o).name, " : ", ir::TypeToString(g.value(o).type), "\n");
  }
  absl::StrAppend(&out, "pipeline: ", pipeline, "\n  expanded: ", pm.ExpandedPipeline(), "\n");
  absl::StrAppend(&out, stats.Summary());
  return out;
}

double MetricOf(const hw::Report& r, const std::string& name) {
  for (const hw::Metric& m : r.metrics()) {
    if (m.name() == name) return m.value();
  }
  return 0;
}

// Compares the backend's functional outputs with the fp32 reference (and
// --expect), adds verify_* metrics to `report` and returns summary lines.
absl::StatusOr<std::string> Verify(const ir::Module& module, const std::vector<ir::HostTensor>& inputs,
                                   const std::string& functional_outputs, const FlagSet& flags, hw::Report& report) {
  absl::StatusOr<std::vector<ir::TensorBytes>> raw = ir::DeserializeTensors(functional_outputs);
  if (!raw.ok()) return absl::DataLossError("the backend returned no functional outputs");
  std::vector<ir::HostTensor> got;
  for (const ir::TensorBytes& t : *raw) {
    ir::WeightData w;
    w.bytes = t.data;
    IMCC_ASSIGN_OR_RETURN(ir::HostTensor h, ir::DecodeWeight(t.type, w));
    got.push_back(std::move(h));
  }
  IMCC_ASSIGN_OR_RETURN(std::vector<ir::HostTensor> ref, ir::Interpret(module, inputs));
  if (got.size() != ref.size()) return absl::InternalError("functional outputs and reference differ in count");
  double err = 0, range = 0;
  for (size_t i = 0; i < ref.size(); ++i) {
    const std::vector<double> a = ir::RealValues(got[i]), b = ir::RealValues(ref[i]);
    if (a.size() != b.size()) return absl::InternalError("functional output has the wrong size");
    for (size_t k = 0; k < a.size(); ++k) {
      err = std::max(err, std::fabs(a[k] - b[k]));
      range = std::max(range, std::fabs(b[k]));
    }
  }
  const double bits = std::min(MetricOf(report, "weight_bits"), MetricOf(report, "input_bits"));
  const double tol = range * std::max(0.02, 4.0 / std::ldexp(1.0, static_cast<int>(bits) - 1));
  const double qdiff = MetricOf(report, "functional_vs_quantised_max_abs_diff");
  const bool lossless = MetricOf(report, "adc_bits") >= MetricOf(report, "adc_lossless_bits");
  bool passed = err <= tol && (!lossless || qdiff == 0);
  std::string out = absl::StrFormat(
      "verify: functional vs fp32 reference: max abs error %.6g (tolerance %.6g) %s\n"
      "verify: functional vs quantised reference: %s (ADC %.0f bits, lossless needs %.0f; %.0f of %.0f conversions saturated)\n",
      err, tol, err <= tol ? "ok" : "EXCEEDED", qdiff == 0 ? std::string("bit-exact") : absl::StrFormat("max diff %.6g", qdiff),
      MetricOf(report, "adc_bits"), MetricOf(report, "adc_lossless_bits"), MetricOf(report, "adc_saturations"),
      MetricOf(report, "adc_conversions"));
  if (MetricOf(report, "functional_weight_writes") > 0) {
    absl::StrAppendFormat(&out,
                          "verify: weight replacement executed: %.0f partitions' weights written (%.0f weights), "
                          "each layer read from the crossbars\n",
                          MetricOf(report, "functional_weight_writes"), MetricOf(report, "functional_weights_written"));
  }
  auto metric = [&](const char* name, double v) {
    hw::Metric* m = report.add_metrics();
    m->set_name(name);
    m->set_value(v);
  };
  metric("verify_max_abs_error", err);
  metric("verify_tolerance", tol);
  if (!flags.GetString("expect").empty()) {
    double eerr = 0;
    size_t k = 0;
    for (absl::string_view f : absl::StrSplit(flags.GetString("expect"), ',', absl::SkipEmpty())) {
      IMCC_ASSIGN_OR_RETURN(ir::HostTensor want, frontends::ReadTensorProtoFile(ResolveUserPath(std::string(f))));
      if (k >= got.size() || want.type.shape != got[k].type.shape) {
        return absl::InvalidArgumentError(absl::StrCat("--expect: output ", k, " has shape ",
                                                       ir::ShapeToString(want.type.shape), ", the model gives ",
                                                       k < got.size() ? ir::ShapeToString(got[k].type.shape) : "none"));
      }
      const std::vector<double> a = ir::RealValues(got[k]), b = ir::RealValues(want);
      for (size_t i = 0; i < a.size(); ++i) eerr = std::max(eerr, std::fabs(a[i] - b[i]));
      ++k;
    }
    metric("verify_expect_max_abs_error", eerr);
    absl::StrAppendFormat(&out, "verify: functional vs expected: max abs error %.6g (tolerance %.6g) %s\n", eerr, tol,
                          eerr <= tol ? "ok" : "EXCEEDED");
    passed = passed && eerr <= tol;
  }
  metric("verify_passed", passed ? 1 : 0);
  return out;
}

std::string ReportSummary(const hw::Report& r, const std::string& backend, const FlagSet& flags) {
  return absl::StrFormat(
      "target: %s (backend %s; schedule %s, replication %s, granularity %s)\n"
      "crossbars: %.0f of %.0f\n"
      "latency: %.1f us   throughput: %.1f samples/s   (%d samples simulated)\n"
      "energy: %.3f uJ per sample   EDP: %.4g pJ*ns\n"
      "lower bound: %.1f us for the simulated work (%s); the schedule takes %.2fx that\n"
      "partitions: %.0f (weight replacement %.1f us, %.0f weight bytes written)\n",
      r.target(), backend, flags.GetString("schedule"), flags.GetString("replication"),
      flags.GetString("granularity"), MetricOf(r, "crossbars_used"), MetricOf(r, "crossbars_total"),
      r.latency_ns() / 1e3, r.throughput_per_s(), r.samples(), r.energy_pj() / r.samples() / 1e6,
      r.edp_pj_ns(), r.lower_bound_ns() / 1e3, r.lower_bound_binding(),
      r.lower_bound_ns() > 0 ? MetricOf(r, "makespan_ns") / r.lower_bound_ns() : 0.0, MetricOf(r, "partitions"),
      MetricOf(r, "weight_replacement_ns") / 1e3, MetricOf(r, "weight_write_bytes"));
}

// A --target value is a preset name unless it names an existing file
// (relative to where `bazel run` was started).
std::string ResolveTarget(const std::string& value) {
  const std::string path = ResolveUserPath(value);
  return std::filesystem::exists(path) ? path : value;
}

absl::Status WriteOutputs(const std::string& dir, const ir::Module& m, const std::string& summary,
                          const plugin::PluginLoader::BackendOutput* backend) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return absl::PermissionDeniedError(absl::StrCat("cannot create '", dir, "': ", ec.message()));
  IMCC_RETURN_IF_ERROR(passes::WriteFileAtomically(dir + "/module.imcc", ir::PrintModule(m)));
  IMCC_RETURN_IF_ERROR(passes::WriteFileAtomically(dir + "/module.pb", ir::SerializeModule(m)));
  if (backend != nullptr) {
    IMCC_RETURN_IF_ERROR(passes::WriteFileAtomically(dir + "/program.pb", backend->program));
    IMCC_RETURN_IF_ERROR(passes::WriteFileAtomically(dir + "/program.txt", backend->program_text));
    IMCC_RETURN_IF_ERROR(passes::WriteFileAtomically(dir + "/report.json", backend->report));
    IMCC_RETURN_IF_ERROR(passes::WriteFileAtomically(dir + "/trace.json", backend->trace));
  }
  return passes::WriteFileAtomically(dir + "/summary.txt", summary);
}

int Main(int argc, char** argv) {
  FlagSet flags(kProgram, kUsage);
  DeclareFlags(flags);
  if (absl::Status s = flags.Parse(argc, argv); !s.ok()) return ReportError(kProgram, s);
  if (!flags.positional().empty() && !flags.GetBool("help")) {
    return ReportError(kProgram, absl::InvalidArgumentError(absl::StrCat(
                                     "unexpected argument '", flags.positional()[0],
                                     "' (pass the model with --model=FILE)")));
  }
  if (flags.GetBool("list-targets")) {
    std::cout << hw::ListTargets();
    return 0;
  }
  if (!flags.GetString("describe-target").empty()) {
    absl::StatusOr<hw::HardwareDescription> target =
        hw::LoadTarget(ResolveTarget(flags.GetString("describe-target")));
    if (!target.ok()) return ReportError(kProgram, target.status());
    std::cout << hw::DescribeTarget(*target);
    return 0;
  }
  std::unique_ptr<Toolchain> toolchain;
  if (std::optional<int> done = StartTool(flags, argv[0], &toolchain)) return *done;
  Toolchain* tc = toolchain.get();
  const std::string emit = flags.GetString("emit");
  if (emit != "summary" && emit != "ir" && emit != "program" && emit != "report") {
    return ReportError(kProgram, absl::InvalidArgumentError(absl::StrCat(
                                     "--emit must be summary, ir, program or report, got '", emit, "'")));
  }
  const bool with_target = flags.GetString("target") != "none";
  hw::HardwareDescription target;
  if (with_target) {
    absl::StatusOr<hw::HardwareDescription> t = hw::LoadTarget(ResolveTarget(flags.GetString("target")));
    if (!t.ok()) return ReportError(kProgram, t.status());
    target = std::move(*t);
  } else if (emit == "program" || emit == "report" || !flags.GetString("verify").empty()) {
    return ReportError(kProgram, absl::InvalidArgumentError(absl::StrCat(
                                     flags.GetString("verify").empty() ? absl::StrCat("--emit=", emit) : "--verify",
                                     " needs a --target")));
  }
  if (!flags.GetString("expect").empty() && flags.GetString("verify").empty()) {
    return ReportError(kProgram, absl::InvalidArgumentError("--expect needs --verify"));
  }
  std::string model = ResolveUserPath(flags.GetString("model"));
  std::string shown = model;
  if (model.empty()) {
    model = FindRunfile(argv[0], kDefaultModel);
    shown = absl::StrCat(kDefaultModel, " (built-in default)");
    if (model.empty()) {
      return ReportError(kProgram, absl::NotFoundError(absl::StrCat(
                                       "the built-in model ", kDefaultModel,
                                       " is not in the runfiles; pass --model=FILE")));
    }
  }
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::pair<std::string, std::string>> import_options;
  if (flags.GetBool("shape-only")) import_options.emplace_back("shape_only", "true");
  absl::StatusOr<ir::Module> module = tc->loader->ImportModel(model, import_options);
  if (!module.ok()) return ReportError(kProgram, module.status());
  std::string pipeline = flags.GetString("pipeline");
  if (flags.GetInt("fill-weights") >= 0) {
    pipeline = absl::StrCat("fill-weights{seed=", flags.GetInt("fill-weights"), "}", pipeline.empty() ? "" : ",",
                            pipeline);
  } else if (flags.GetInt("fill-weights") != -1) {
    return ReportError(kProgram, absl::InvalidArgumentError(absl::StrCat(
                                     "--fill-weights must be a seed >= 0 (or -1 for off), got ",
                                     flags.GetInt("fill-weights"))));
  }
  absl::StatusOr<std::unique_ptr<passes::PassManager>> pm =
      passes::PassManager::Create(tc->registry, pipeline, PassManagerOptionsFromFlags(flags));
  if (!pm.ok()) return ReportError(kProgram, pm.status());
  absl::StatusOr<passes::PipelineRunResult> run = (*pm)->Run(*module);
  if (!run.ok()) return ReportError(kProgram, run.status());
  std::string summary = Summary(*module, shown, pipeline, **pm);
  plugin::PluginLoader::BackendOutput backend_out;
  if (with_target) {
    const std::string family = target.family() == hw::FAMILY_CROSSBAR    ? "crossbar"
                               : target.family() == hw::FAMILY_DUAL_MODE ? "dual-mode"
                                                                         : "ndp-dimm";
    absl::StatusOr<std::pair<const plugin::LoadedPlugin*, std::string>> backend = tc->loader->FindBackend(family);
    if (!backend.ok()) {
      return ReportError(kProgram, absl::Status(backend.status().code(),
                                                absl::StrCat("target '", target.name(), "': ", backend.status().message())));
    }
    // --verify: read inputs, check the model has weights.
    std::string functional_inputs;
    std::vector<ir::HostTensor> verify_inputs;
    if (!flags.GetString("verify").empty()) {
      for (const ir::Value& v : module->graph().values()) {
        if (v.kind == ir::ValueKind::kWeight && (v.data == nullptr || v.data->is_reference)) {
          return ReportError(kProgram, absl::FailedPreconditionError(absl::StrCat(
                                           "--verify needs a model with weights; weight '", v.name,
                                           "' of ", shown, " is shape-only")));
        }
      }
      for (absl::string_view f : absl::StrSplit(flags.GetString("verify"), ',', absl::SkipEmpty())) {
        absl::StatusOr<ir::HostTensor> t = frontends::ReadTensorProtoFile(ResolveUserPath(std::string(f)));
        if (!t.ok()) return ReportError(kProgram, t.status());
        verify_inputs.push_back(std::move(*t));
      }
      absl::Status fits = ir::Interpret(*module, verify_inputs).status();
      if (!fits.ok()) return ReportError(kProgram, absl::Status(fits.code(), absl::StrCat("--verify: ", fits.message())));
      std::vector<ir::TensorType> types;
      std::vector<std::string> data;
      for (const ir::HostTensor& t : verify_inputs) {
        types.push_back(t.type);
        data.push_back(ir::EncodeTensor(t));
      }
      functional_inputs = ir::SerializeTensors(types, data);
    }
    const std::vector<std::pair<std::string, std::string>> backend_options = {
        {"schedule", flags.GetString("schedule")},
        {"replication", flags.GetString("replication")},
        {"granularity", flags.GetString("granularity")},
        {"batch", absl::StrCat(flags.GetInt("batch"))},
        {"partition", flags.GetString("partition")},
        {"objective", flags.GetString("objective")}};
    absl::StatusOr<plugin::PluginLoader::BackendOutput> compiled = tc->loader->CompileWithBackend(
        *backend->first, backend->second, *module, target.SerializeAsString(), backend_options, functional_inputs);
    if (!compiled.ok()) {
      return ReportError(kProgram, absl::Status(compiled.status().code(),
                                                absl::StrCat(shown, " on ", target.name(), ": ", compiled.status().message())));
    }
    backend_out = std::move(*compiled);
    hw::Report report;
    if (!report.ParseFromString(backend_out.report)) {
      return ReportError(kProgram, absl::DataLossError("the backend returned a corrupt report"));
    }
    const double ms = flags.GetBool("record-compile-time")
                          ? std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count()
                          : 0.0;
    hw::Metric* m = report.add_metrics();
    m->set_name("compile_ms");
    m->set_value(ms);
    absl::Status verified = absl::OkStatus();
    if (!functional_inputs.empty()) {
      absl::StatusOr<std::string> v = Verify(*module, verify_inputs, backend_out.outputs, flags, report);
      if (!v.ok()) return ReportError(kProgram, v.status());
      summary += *v;
      if (MetricOf(report, "verify_passed") != 1) {
        verified = absl::FailedPreconditionError(absl::StrCat("verification failed: ", *v));
      }
    }
    backend_out.report = hw::sim::ReportToJson(report);
    summary += ReportSummary(report, backend->first->name(), flags);
    if (!verified.ok()) {
      std::cout << summary;
      if (!flags.GetString("out").empty()) {
        (void)WriteOutputs(ResolveUserPath(flags.GetString("out")), *module, summary, &backend_out);
      }
      return ReportError(kProgram, verified);
    }
  } else {
    summary += "target: none\n";
  }
  if (emit == "ir") {
    ir::PrintOptions po;
    po.elide_weight_data = true;
    std::cout << ir::PrintModule(*module, po);
  }
  if (emit == "program") std::cout << backend_out.program_text;
  if (emit == "report") std::cout << backend_out.report;
  if (emit == "summary" || emit == "ir") std::cout << summary;
  if (!flags.GetString("out").empty()) {
    const std::string dir = ResolveUserPath(flags.GetString("out"));
    if (absl::Status s = WriteOutputs(dir, *module, summary, with_target ? &backend_out : nullptr); !s.ok()) {
      return ReportError(kProgram, s);
    }
    std::cout << "wrote " << dir << "/\n";
  }
  return 0;
}

}  // namespace
}  // namespace imcc::tools

int main(int argc, char** argv) { return imcc::tools::Main(argc, argv); }
