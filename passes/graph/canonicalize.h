// Canonicalises a graph: drops tensor.identity, no-op reshapes/transposes,
// folds reshape-of-reshape, restores topological order and removes dead
// nodes and weights. Pipeline name: "canonicalize".
// Requires: nothing. Preserves: nothing when it changes the graph.
//
//   before:  %a = tensor.identity(%x) ...  %b = tensor.reshape(%a) {shape=[2,3]}
//            %c = tensor.reshape(%b) {shape=[6]}
//   after:   %c = tensor.reshape(%x) {shape=[6]}
#ifndef IMCC_PASSES_GRAPH_CANONICALIZE_H_
#define IMCC_PASSES_GRAPH_CANONICALIZE_H_

#include <memory>

#include "passes/manager/pass.h"

namespace imcc::passes {

std::unique_ptr<Pass> CreateCanonicalizePass();

}  // namespace imcc::passes

#endif  // IMCC_PASSES_GRAPH_CANONICALIZE_H_
