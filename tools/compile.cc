// imcc compile: the main driver. Imports a model through a frontend plugin,
// runs a pass pipeline and writes or prints the result. Hardware backends
// (and with them --target, --emit=program|report) arrive with the hwmodels
// and backend issues; until then it emits the canonicalised IR and a summary.
#include <chrono>
#include <filesystem>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "hwmodels/hardware.h"
#include "ir/printer.h"
#include "ir/serialize.h"
#include "ir/support/status_macros.h"
#include "passes/analysis/op_stats.h"
#include "tools/common/driver.h"

namespace imcc::tools {
namespace {

constexpr char kProgram[] = "imcc compile";
constexpr char kDefaultModel[] = "testdata/models/resnet18.onnx";

constexpr char kUsage[] =
    "imcc compile: compile a model for an in-memory-computing accelerator.\n"
    "\n"
    "Usage: bazel run //tools:compile -- [--model=FILE] [--pipeline=TEXT] [--emit=KIND]\n"
    "                                    [--out=DIR] [--plugin=SO]...\n"
    "\n"
    "With no arguments it compiles the built-in default model (" "testdata/models/resnet18.onnx,\n"
    "shape-only) and prints a short summary. Relative paths are taken from the directory\n"
    "`bazel run` was started in.\n"
    "\n"
    "--emit=summary prints the summary; --emit=ir prints the canonicalised IR (weights\n"
    "elided) and the summary. --emit=program and --emit=report need a hardware backend\n"
    "plugin, which this build does not have yet; --target loads and validates a preset\n"
    "(--list-targets) or a .textproto file and then stops there. --out=DIR writes module.imcc\n"
    "(text IR, weights included), module.pb (imcc.ir.v1 bytes) and summary.txt, each\n"
    "atomically.";

void DeclareFlags(FlagSet& f) {
  f.String("model", "", "model file (ONNX); default: the built-in resnet18");
  f.String("target", "", "hardware preset name or .textproto file (compiling for it needs a backend plugin)");
  f.Bool("list-targets", false, "list the hardware presets, one line each, then exit");
  f.String("describe-target", "", "print a preset or .textproto with every field's value, meaning and unit, then exit");
  f.String("pipeline", "imcc-default", "pass pipeline, e.g. 'canonicalize,fold-batch-norm'");
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
  absl::StrAppend(&out, "target: none (hardware backends are not part of this build yet)\n");
  return out;
}

// A --target value is a preset name unless it names an existing file
// (relative to where `bazel run` was started).
std::string ResolveTarget(const std::string& value) {
  const std::string path = ResolveUserPath(value);
  return std::filesystem::exists(path) ? path : value;
}

absl::Status WriteOutputs(const std::string& dir, const ir::Module& m, const std::string& summary) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return absl::PermissionDeniedError(absl::StrCat("cannot create '", dir, "': ", ec.message()));
  IMCC_RETURN_IF_ERROR(passes::WriteFileAtomically(dir + "/module.imcc", ir::PrintModule(m)));
  IMCC_RETURN_IF_ERROR(passes::WriteFileAtomically(dir + "/module.pb", ir::SerializeModule(m)));
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
  if (!flags.GetString("target").empty()) {
    // Load and validate first, so a bad target gets its precise error.
    absl::StatusOr<hw::HardwareDescription> target = hw::LoadTarget(ResolveTarget(flags.GetString("target")));
    if (!target.ok()) return ReportError(kProgram, target.status());
    return ReportError(kProgram, absl::UnimplementedError(absl::StrCat(
                                     "target '", target->name(),
                                     "' is valid, but no backend plugin for its family is loaded yet")));
  }
  if (emit == "program" || emit == "report") {
    return ReportError(kProgram,
                       absl::UnimplementedError(
                           "no hardware backend plugin is loaded, so --emit=program and "
                           "--emit=report are not available yet; use --emit=ir or --emit=summary"));
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
  std::vector<std::pair<std::string, std::string>> import_options;
  if (flags.GetBool("shape-only")) import_options.emplace_back("shape_only", "true");
  absl::StatusOr<ir::Module> module = tc->loader->ImportModel(model, import_options);
  if (!module.ok()) return ReportError(kProgram, module.status());
  absl::StatusOr<std::unique_ptr<passes::PassManager>> pm = passes::PassManager::Create(
      tc->registry, flags.GetString("pipeline"), PassManagerOptionsFromFlags(flags));
  if (!pm.ok()) return ReportError(kProgram, pm.status());
  absl::StatusOr<passes::PipelineRunResult> run = (*pm)->Run(*module);
  if (!run.ok()) return ReportError(kProgram, run.status());
  const std::string summary = Summary(*module, shown, flags.GetString("pipeline"), **pm);
  if (emit == "ir") {
    ir::PrintOptions po;
    po.elide_weight_data = true;
    std::cout << ir::PrintModule(*module, po);
  }
  std::cout << summary;
  if (!flags.GetString("out").empty()) {
    const std::string dir = ResolveUserPath(flags.GetString("out"));
    if (absl::Status s = WriteOutputs(dir, *module, summary); !s.ok()) return ReportError(kProgram, s);
    std::cout << "wrote " << dir << "/{module.imcc,module.pb,summary.txt}\n";
  }
  return 0;
}

}  // namespace
}  // namespace imcc::tools

int main(int argc, char** argv) { return imcc::tools::Main(argc, argv); }
