// Registers the graph pass library: canonicalize, dce, fold-batch-norm and
// the named pipelines imcc-default and imcc-o0.
#ifndef IMCC_PASSES_GRAPH_REGISTER_H_
#define IMCC_PASSES_GRAPH_REGISTER_H_

#include "absl/status/status.h"
#include "passes/manager/registry.h"

namespace imcc::passes {

// Adds this library's passes and pipelines to `registry`; AlreadyExists if
// any name is taken.
absl::Status RegisterGraphPasses(PassRegistry& registry);

}  // namespace imcc::passes

#endif  // IMCC_PASSES_GRAPH_REGISTER_H_
