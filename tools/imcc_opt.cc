// imcc-opt: runs any pass pipeline on text IR (like mlir-opt), lists passes
// and ops, and replays crash reproducers.
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "ir/parser.h"
#include "ir/printer.h"
#include "ir/support/status_macros.h"
#include "ir/verifier.h"
#include "tools/common/driver.h"

namespace imcc::tools {
namespace {

constexpr char kProgram[] = "imcc-opt";
constexpr char kUsage[] =
    "imcc-opt: run a pass pipeline on imcc text IR.\n"
    "\n"
    "Usage: bazel run //tools:imcc-opt -- [INPUT.imcc|-] --pipeline=TEXT [-o OUTPUT]\n"
    "       bazel run //tools:imcc-opt -- --run-reproducer=FILE\n"
    "       bazel run //tools:imcc-opt -- --list-passes | --list-ops | --list-plugins\n"
    "\n"
    "Reads the module (stdin for '-' or no input), verifies it, runs the pipeline and\n"
    "prints the result (to -o OUTPUT, written atomically, if given). Exit status 1 on\n"
    "any error, with one line on stderr.";

absl::StatusOr<std::string> ReadInput(const std::string& path) {
  std::stringstream buf;
  if (path.empty() || path == "-") {
    buf << std::cin.rdbuf();
    return buf.str();
  }
  std::ifstream f(path, std::ios::binary);
  if (!f) return absl::NotFoundError(absl::StrCat(path, ": no such file"));
  buf << f.rdbuf();
  return buf.str();
}

int Main(int argc, char** argv) {
  FlagSet flags(kProgram, kUsage);
  flags.String("pipeline", "", "pass pipeline to run (empty: parse, verify and print)");
  flags.String("o", "", "write the result here instead of stdout");
  flags.String("run-reproducer", "", "replay a reproducer written by --reproducer");
  AddPassManagerFlags(flags);
  AddInfoFlags(flags);
  if (absl::Status s = flags.Parse(argc, argv); !s.ok()) return ReportError(kProgram, s);
  std::unique_ptr<Toolchain> toolchain;
  if (std::optional<int> done = StartTool(flags, argv[0], &toolchain)) return *done;
  Toolchain* tc = toolchain.get();
  if (flags.positional().size() > 1) {
    return ReportError(kProgram, absl::InvalidArgumentError("at most one input file"));
  }
  std::string pipeline = flags.GetString("pipeline");
  std::string input = flags.positional().empty() ? "" : ResolveUserPath(flags.positional()[0]);
  std::string text;
  if (!flags.GetString("run-reproducer").empty()) {
    const std::string path = ResolveUserPath(flags.GetString("run-reproducer"));
    absl::StatusOr<std::string> contents = ReadInput(path);
    if (!contents.ok()) return ReportError(kProgram, contents.status());
    absl::StatusOr<passes::Reproducer> rep = passes::ParseReproducer(*contents);
    if (!rep.ok()) return ReportError(kProgram, absl::Status(rep.status().code(),
                                                             absl::StrCat(path, ": ", rep.status().message())));
    for (const std::string& f : rep->flags) {
      if (f.rfind("--plugin=", 0) == 0) {
        absl::Status s = tc->loader->Load(f.substr(9)).status();
        if (!s.ok() && s.code() != absl::StatusCode::kAlreadyExists) return ReportError(kProgram, s);
      }
    }
    passes::PassRegistry fresh;
    if (absl::Status s = tc->loader->RegisterPasses(fresh); !s.ok()) return ReportError(kProgram, s);
    tc->registry = std::move(fresh);
    pipeline = rep->pipeline;
    text = rep->ir;
    input = path;
  } else {
    absl::StatusOr<std::string> contents = ReadInput(input);
    if (!contents.ok()) return ReportError(kProgram, contents.status());
    text = std::move(*contents);
  }
  const std::string where = input.empty() || input == "-" ? "<stdin>" : input;
  absl::StatusOr<ir::Module> module = ir::ParseModule(text);
  if (!module.ok()) {
    return ReportError(kProgram, absl::Status(module.status().code(),
                                              absl::StrCat(where, ": ", module.status().message())));
  }
  if (absl::Status v = ir::VerifyModule(*module); !v.ok()) {
    return ReportError(kProgram, absl::Status(v.code(), absl::StrCat(where, ": ", v.message())));
  }
  absl::StatusOr<std::unique_ptr<passes::PassManager>> pm =
      passes::PassManager::Create(tc->registry, pipeline, PassManagerOptionsFromFlags(flags));
  if (!pm.ok()) return ReportError(kProgram, pm.status());
  absl::StatusOr<passes::PipelineRunResult> run = (*pm)->Run(*module);
  if (!run.ok()) return ReportError(kProgram, run.status());
  const std::string out = ir::PrintModule(*module);
  if (!flags.GetString("o").empty()) {
    absl::Status s = passes::WriteFileAtomically(ResolveUserPath(flags.GetString("o")), out);
    if (!s.ok()) return ReportError(kProgram, s);
  } else {
    std::cout << out;
  }
  return 0;
}

}  // namespace
}  // namespace imcc::tools

int main(int argc, char** argv) { return imcc::tools::Main(argc, argv); }
