// Runs a textual pipeline over a module: resolves passes and named pipelines
// from a PassRegistry, validates options, caches analyses between passes and
// provides the instrumentation of MLIR's pass manager (verify-each,
// print-ir-before/after, time-passes, crash reproducers).
#ifndef IMCC_PASSES_MANAGER_PASS_MANAGER_H_
#define IMCC_PASSES_MANAGER_PASS_MANAGER_H_

#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "ir/module.h"
#include "passes/manager/pass.h"
#include "passes/manager/pipeline.h"
#include "passes/manager/registry.h"

namespace imcc::passes {

struct PassManagerOptions {
  bool verify_each = false;                  // run the IR verifier after every pass
  std::vector<std::string> print_ir_before;  // pass names; "all" for every pass
  std::vector<std::string> print_ir_after;   // pass names; "all" for every pass
  bool print_ir_after_change = false;        // print only when a pass changed the IR
  bool print_ir_after_failure = false;
  bool time_passes = false;
  // On failure, write the IR the failing pass saw plus that pass as a
  // pipeline, so `imcc-opt --run-reproducer=FILE` replays it.
  std::string reproducer_path;
  // Extra flags recorded in the reproducer (e.g. --plugin=...).
  std::vector<std::string> reproducer_flags;
  std::ostream* out = nullptr;  // where printing goes; null = std::cerr
};

struct PipelineRunResult {
  bool changed = false;
  std::vector<PassResult> pass_results;  // one per pass that ran
};

// Runs analyses registered for require<...>.
using RequireHandler = std::function<absl::Status(absl::string_view, AnalysisManager&)>;

class PassManager {
 public:
  // Parses `pipeline` and instantiates every pass. NotFound for an unknown
  // pass, pipeline or anchor; InvalidArgument for a syntax error or a bad
  // option (naming pass and key). `registry` must outlive the manager.
  static absl::StatusOr<std::unique_ptr<PassManager>> Create(const PassRegistry& registry,
                                                             absl::string_view pipeline,
                                                             PassManagerOptions options = {});

  // Runs the pipeline. A failing pass stops it with "pass 'x' (#N in
  // '<pipeline>'): <message>", keeping the pass's status code; a verifier
  // failure after a pass is kInternal.
  absl::StatusOr<PipelineRunResult> Run(ir::Module& module);

  // The pipeline as given, printed canonically.
  const std::string& pipeline() const { return pipeline_; }
  // Every pass that will run, in order, with named pipelines expanded.
  std::string ExpandedPipeline() const;
  int num_passes() const { return static_cast<int>(steps_.size()); }

  void set_require_handler(RequireHandler handler) { require_ = std::move(handler); }

 private:
  struct Step {
    PipelineElement element;      // kPass or kRequire
    std::unique_ptr<Pass> pass;   // kPass
  };
  PassManager() = default;
  absl::Status Append(const std::vector<PipelineElement>& elements, int depth);
  std::ostream& out() const;
  absl::Status WriteReproducer(const std::string& ir, const Step& step) const;

  const PassRegistry* registry_ = nullptr;
  PassManagerOptions options_;
  std::string pipeline_;
  std::vector<Step> steps_;
  RequireHandler require_;
};

// Returns the pipeline of a reproducer file's header ("// pipeline: ...")
// and its recorded flags ("// flags: ..."), plus the IR text that follows.
struct Reproducer {
  std::string pipeline;
  std::vector<std::string> flags;
  std::string ir;
};
absl::StatusOr<Reproducer> ParseReproducer(absl::string_view text);

// Writes `contents` to `path` atomically: a temporary file in the same
// directory, then rename. A failure leaves no file at `path`.
absl::Status WriteFileAtomically(const std::string& path, absl::string_view contents);

}  // namespace imcc::passes

#endif  // IMCC_PASSES_MANAGER_PASS_MANAGER_H_
