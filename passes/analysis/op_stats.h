// OpStatsAnalysis: op counts by kind, parameter count and multiply-
// accumulates of a module (the summary `compile --emit=ir` prints).
#ifndef IMCC_PASSES_ANALYSIS_OP_STATS_H_
#define IMCC_PASSES_ANALYSIS_OP_STATS_H_

#include <cstdint>
#include <map>
#include <string>

#include "ir/module.h"
#include "passes/manager/pass.h"

namespace imcc::passes {

// Returns the multiply-accumulates of one node (conv, gemm, matmul; 0 for
// every other op).
int64_t NodeMacs(const ir::Graph& graph, const ir::Node& node);

// Thread-compatible; immutable after construction.
class OpStatsAnalysis {
 public:
  static constexpr absl::string_view kName = "op-stats";
  OpStatsAnalysis(const ir::Module& module, AnalysisManager& analyses);

  const std::map<std::string, int>& ops_by_kind() const { return ops_by_kind_; }
  int num_nodes() const { return num_nodes_; }
  int64_t parameters() const { return parameters_; }        // weight elements
  int64_t weight_bytes() const { return weight_bytes_; }    // at declared dtype
  int64_t weights_with_data() const { return weights_with_data_; }
  int64_t weights_shape_only() const { return weights_shape_only_; }
  int64_t macs() const { return macs_; }

  // Returns a multi-line human summary.
  std::string Summary() const;

 private:
  std::map<std::string, int> ops_by_kind_;
  int num_nodes_ = 0;
  int64_t parameters_ = 0;
  int64_t weight_bytes_ = 0;
  int64_t weights_with_data_ = 0;
  int64_t weights_shape_only_ = 0;
  int64_t macs_ = 0;
};

}  // namespace imcc::passes

#endif  // IMCC_PASSES_ANALYSIS_OP_STATS_H_
