// Graph algorithms over an ir::Graph's node dependencies, done with
// Boost.Graph: topological order, cycle detection, reachability.
#ifndef IMCC_IR_GRAPH_ALGORITHMS_H_
#define IMCC_IR_GRAPH_ALGORITHMS_H_

#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "ir/module.h"

namespace imcc::ir {

// Returns node indices in a dependency-respecting order, or InvalidArgument
// naming a node on a cycle ("graph has a cycle through node 'x'").
absl::StatusOr<std::vector<int>> TopologicalOrder(const Graph& graph);

// Returns a node index on a dependency cycle, or nullopt if acyclic.
std::optional<int> FindCycle(const Graph& graph);

// Returns reachable[j] = true for every node j that depends (transitively)
// on node `from`, `from` itself included.
std::vector<bool> ReachableFrom(const Graph& graph, int from);

}  // namespace imcc::ir

#endif  // IMCC_IR_GRAPH_ALGORITHMS_H_
