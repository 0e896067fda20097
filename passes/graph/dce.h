// Removes nodes none of whose results are used and weights nothing reads.
// Pipeline name: "dce". Requires: nothing. Preserves: nothing when changed.
//
//   before:  %a = nn.relu(%x) @unused    %y = math.neg(%x) @n   output %y
//   after:   %y = math.neg(%x) @n        output %y
#ifndef IMCC_PASSES_GRAPH_DCE_H_
#define IMCC_PASSES_GRAPH_DCE_H_

#include <memory>

#include "ir/module.h"
#include "passes/manager/pass.h"

namespace imcc::passes {

std::unique_ptr<Pass> CreateDcePass();

// Removes dead nodes and unread weights from `graph`; returns true if
// anything was removed.
bool EliminateDeadCode(ir::Graph& graph);

}  // namespace imcc::passes

#endif  // IMCC_PASSES_GRAPH_DCE_H_
