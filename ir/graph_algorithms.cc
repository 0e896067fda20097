#include "ir/graph_algorithms.h"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/depth_first_search.hpp>
#include <boost/graph/topological_sort.hpp>
#include <iterator>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace imcc::ir {
namespace {

using BoostGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;

// Edge producer -> consumer for every node input produced by a node.
BoostGraph BuildDependencyGraph(const Graph& graph) {
  BoostGraph g(graph.num_nodes());
  for (int i = 0; i < graph.num_nodes(); ++i) {
    for (ValueId in : graph.node(i).inputs) {
      if (in < 0 || in >= graph.num_values()) continue;
      const int producer = graph.value(in).producer;
      if (graph.value(in).kind == ValueKind::kNodeResult && producer >= 0) {
        boost::add_edge(producer, i, g);
      }
    }
  }
  return g;
}

// Records the target of the first back edge instead of throwing.
struct CycleVisitor : boost::default_dfs_visitor {
  explicit CycleVisitor(std::optional<int>* found) : found(found) {}
  template <class Edge, class G>
  void back_edge(Edge e, const G& g) const {
    if (!found->has_value()) *found = static_cast<int>(boost::target(e, g));
  }
  std::optional<int>* found;
};

}  // namespace

std::optional<int> FindCycle(const Graph& graph) {
  BoostGraph g = BuildDependencyGraph(graph);
  std::optional<int> found;
  boost::depth_first_search(g, boost::visitor(CycleVisitor(&found)));
  return found;
}

absl::StatusOr<std::vector<int>> TopologicalOrder(const Graph& graph) {
  if (std::optional<int> cyc = FindCycle(graph)) {
    return absl::InvalidArgumentError(
        absl::StrCat("graph has a cycle through node '", graph.node(*cyc).name, "'"));
  }
  BoostGraph g = BuildDependencyGraph(graph);
  std::vector<BoostGraph::vertex_descriptor> reversed;
  boost::topological_sort(g, std::back_inserter(reversed));
  return std::vector<int>(reversed.rbegin(), reversed.rend());
}

std::vector<bool> ReachableFrom(const Graph& graph, int from) {
  BoostGraph g = BuildDependencyGraph(graph);
  std::vector<bool> reached(graph.num_nodes(), false);
  struct Visitor : boost::default_bfs_visitor {
    explicit Visitor(std::vector<bool>* r) : r(r) {}
    void discover_vertex(BoostGraph::vertex_descriptor v, const BoostGraph&) const {
      (*r)[v] = true;
    }
    std::vector<bool>* r;
  };
  boost::breadth_first_search(g, boost::vertex(from, g), boost::visitor(Visitor(&reached)));
  return reached;
}

}  // namespace imcc::ir
