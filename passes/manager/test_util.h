// Test helper: runs one pipeline element through the real PassManager with
// --verify-each on, as pass tests should (STYLE.md B8). Test-only.
#ifndef IMCC_PASSES_MANAGER_TEST_UTIL_H_
#define IMCC_PASSES_MANAGER_TEST_UTIL_H_

#include "passes/manager/pass_manager.h"

namespace imcc::passes {

// Returns the PassResult of `pass_text` (e.g. "fold-batch-norm") on `module`.
inline absl::StatusOr<PassResult> RunSinglePass(const PassRegistry& registry,
                                                absl::string_view pass_text, ir::Module& module) {
  PassManagerOptions options;
  options.verify_each = true;
  absl::StatusOr<std::unique_ptr<PassManager>> pm =
      PassManager::Create(registry, pass_text, options);
  if (!pm.ok()) return pm.status();
  absl::StatusOr<PipelineRunResult> r = (*pm)->Run(module);
  if (!r.ok()) return r.status();
  if (r->pass_results.size() != 1) {
    return absl::InvalidArgumentError("RunSinglePass wants exactly one pass");
  }
  return r->pass_results[0];
}

}  // namespace imcc::passes

#endif  // IMCC_PASSES_MANAGER_TEST_UTIL_H_
