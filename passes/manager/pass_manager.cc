#include "passes/manager/pass_manager.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "ir/printer.h"
#include "ir/support/status_macros.h"
#include "ir/verifier.h"

namespace imcc::passes {
namespace {

bool Matches(const std::vector<std::string>& names, absl::string_view pass) {
  for (const std::string& n : names) {
    if (n == "all" || n == pass) return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<std::unique_ptr<PassManager>> PassManager::Create(const PassRegistry& registry,
                                                                 absl::string_view pipeline,
                                                                 PassManagerOptions options) {
  std::unique_ptr<PassManager> pm(new PassManager());
  pm->registry_ = &registry;
  pm->options_ = std::move(options);
  IMCC_ASSIGN_OR_RETURN(std::vector<PipelineElement> elements, ParsePipeline(pipeline));
  pm->pipeline_ = PrintPipeline(elements);
  IMCC_RETURN_IF_ERROR(pm->Append(elements, 0));
  PassContext context;
  context.verify_each = pm->options_.verify_each;
  for (Step& step : pm->steps_) {
    if (step.pass != nullptr) {
      IMCC_RETURN_IF_ERROR(Annotate(step.pass->Initialize(context),
                                    absl::StrCat("initialising pass '", step.element.name, "'")));
    }
  }
  return pm;
}

absl::Status PassManager::Append(const std::vector<PipelineElement>& elements, int depth) {
  if (depth > 16) return absl::InvalidArgumentError("named pipelines nest more than 16 deep");
  for (const PipelineElement& e : elements) {
    switch (e.kind) {
      case PipelineElement::Kind::kExtensionPoint:
        return absl::InvalidArgumentError(absl::StrCat(
            "extension point '@", e.name, "' is only allowed inside a registered pipeline"));
      case PipelineElement::Kind::kAnchor:
        if (e.name != "module") {
          return absl::NotFoundError(absl::StrCat("unknown anchor '", e.name,
                                                  "' (imcc modules have one graph: use module(...))"));
        }
        IMCC_RETURN_IF_ERROR(Append(e.children, depth));
        break;
      case PipelineElement::Kind::kRequire:
        steps_.push_back(Step{e, nullptr});
        break;
      case PipelineElement::Kind::kPass: {
        if (registry_->FindPipeline(e.name) != nullptr) {
          if (!e.options.empty()) {
            return absl::InvalidArgumentError(
                absl::StrCat("pipeline '", e.name, "' takes no options"));
          }
          IMCC_ASSIGN_OR_RETURN(std::string text, registry_->ExpandPipeline(e.name));
          IMCC_ASSIGN_OR_RETURN(std::vector<PipelineElement> sub, ParsePipeline(text));
          IMCC_RETURN_IF_ERROR(Append(sub, depth + 1));
          break;
        }
        const PassInfo* info = registry_->FindPass(e.name);
        if (info == nullptr) {
          return absl::NotFoundError(absl::StrCat(
              "unknown pass '", e.name, "' (imcc-opt --list-passes shows the registered ones)"));
        }
        IMCC_ASSIGN_OR_RETURN(PassOptions opts, PassOptions::Parse(e.name, info->options, e.options));
        absl::StatusOr<std::unique_ptr<Pass>> pass = info->factory(opts);
        if (!pass.ok()) return Annotate(pass.status(), absl::StrCat("creating pass '", e.name, "'"));
        steps_.push_back(Step{e, std::move(*pass)});
        break;
      }
    }
  }
  return absl::OkStatus();
}

std::string PassManager::ExpandedPipeline() const {
  std::vector<PipelineElement> elements;
  for (const Step& s : steps_) elements.push_back(s.element);
  return PrintPipeline(elements);
}

std::ostream& PassManager::out() const {
  return options_.out != nullptr ? *options_.out : std::cerr;
}

absl::Status PassManager::WriteReproducer(const std::string& ir, const Step& step) const {
  std::string text = absl::StrCat("// imcc reproducer: imcc-opt --run-reproducer=FILE\n",
                                  "// pipeline: ", PrintElement(step.element), "\n");
  if (!options_.reproducer_flags.empty()) {
    absl::StrAppend(&text, "// flags: ", absl::StrJoin(options_.reproducer_flags, " "), "\n");
  }
  text += ir;
  return WriteFileAtomically(options_.reproducer_path, text);
}

absl::StatusOr<PipelineRunResult> PassManager::Run(ir::Module& module) {
  PipelineRunResult result;
  AnalysisManager analyses(module);
  struct Timing {
    std::string name;
    double seconds;
  };
  std::vector<Timing> timings;
  const auto start_all = std::chrono::steady_clock::now();
  for (size_t i = 0; i < steps_.size(); ++i) {
    Step& step = steps_[i];
    const std::string& name = step.element.name;
    const std::string where =
        absl::StrCat("pass '", name, "' (#", i + 1, " in '", pipeline_, "')");
    if (step.pass == nullptr) {  // require<analysis>
      if (!require_) {
        return absl::NotFoundError(absl::StrCat("unknown analysis '", name, "' in require<>"));
      }
      IMCC_RETURN_IF_ERROR(Annotate(require_(name, analyses), absl::StrCat("require<", name, ">")));
      continue;
    }
    if (Matches(options_.print_ir_before, name)) {
      out() << "// -----// IR before " << name << " //----- //\n" << ir::PrintModule(module);
    }
    const bool need_snapshot = !options_.reproducer_path.empty() ||
                               options_.print_ir_after_failure || options_.print_ir_after_change;
    const std::string before = need_snapshot ? ir::PrintModule(module) : std::string();
    const auto t0 = std::chrono::steady_clock::now();
    absl::StatusOr<PassResult> r = step.pass->Run(module, analyses);
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    timings.push_back({name, secs});
    absl::Status status = r.status();
    if (status.ok() && options_.verify_each) {
      absl::Status v = ir::VerifyModule(module);
      if (!v.ok()) {
        status = absl::InternalError(absl::StrCat("produced invalid IR: ", v.message()));
      }
    }
    if (!status.ok()) {
      if (options_.print_ir_after_failure) {
        out() << "// -----// IR after failure of " << name << " //----- //\n"
              << ir::PrintModule(module);
      }
      if (!options_.reproducer_path.empty()) {
        absl::Status w = WriteReproducer(before, step);
        if (!w.ok()) out() << "imcc: could not write reproducer: " << w.message() << "\n";
      }
      return Annotate(status, where);
    }
    // A pass that says it changed nothing preserves everything.
    if (!r->changed) r->preserved = PreservedAnalyses::All();
    analyses.Invalidate(r->preserved);
    result.changed |= r->changed;
    const bool print_after = Matches(options_.print_ir_after, name) &&
                             (!options_.print_ir_after_change || r->changed);
    if (print_after || (options_.print_ir_after_change && options_.print_ir_after.empty() && r->changed)) {
      out() << "// -----// IR after " << name << " //----- //\n" << ir::PrintModule(module);
    }
    result.pass_results.push_back(std::move(*r));
  }
  if (options_.time_passes) {
    const double total =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_all).count();
    out() << "===-------------------------------------------------------------------------===\n"
          << "                          ... Pass execution timing report ...\n"
          << "===-------------------------------------------------------------------------===\n"
          << absl::StrFormat("  Total Execution Time: %.4f seconds\n\n", total)
          << "   ---Wall Time---  --- Name ---\n";
    for (const Timing& t : timings) {
      out() << absl::StrFormat("   %.4f (%5.1f%%)  %s\n", t.seconds,
                               total > 0 ? 100.0 * t.seconds / total : 0.0, t.name);
    }
    out() << absl::StrFormat("   %.4f (100.0%%)  Total\n", total);
  }
  return result;
}

absl::StatusOr<Reproducer> ParseReproducer(absl::string_view text) {
  Reproducer r;
  bool have_pipeline = false;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (!absl::ConsumePrefix(&line, "// ")) break;
    if (absl::ConsumePrefix(&line, "pipeline: ")) {
      r.pipeline = std::string(line);
      have_pipeline = true;
    } else if (absl::ConsumePrefix(&line, "flags: ")) {
      r.flags = absl::StrSplit(line, ' ', absl::SkipEmpty());
    }
  }
  if (!have_pipeline) {
    return absl::InvalidArgumentError("not an imcc reproducer: no '// pipeline: ' header line");
  }
  r.ir = std::string(text);
  return r;
}

absl::Status WriteFileAtomically(const std::string& path, absl::string_view contents) {
  const std::string tmp = absl::StrCat(path, ".tmp.", getpid());
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) return absl::PermissionDeniedError(absl::StrCat("cannot write '", path, "'"));
    f.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    f.close();
    if (!f) {
      std::remove(tmp.c_str());
      return absl::DataLossError(absl::StrCat("short write to '", path, "'"));
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return absl::PermissionDeniedError(absl::StrCat("cannot rename into '", path, "'"));
  }
  return absl::OkStatus();
}

}  // namespace imcc::passes
