// Compiling models larger than the chip (COMPASS execution model): the
// layer sequence is cut into segments by passes/partition over
// partition_cost.h's model; every segment is compiled as a sub-module by
// compiler.h, and the programs are chained in one simulation with a
// weight-replacement phase (WRITE_XB: the segment's weights streamed from
// DRAM and written into the arrays) before each segment and the
// activations that cross a boundary stored to and loaded from DRAM (the
// sub-modules' own ST/LD of their outputs and inputs).
#ifndef IMCC_BACKENDS_CROSSBAR_PARTITIONED_H_
#define IMCC_BACKENDS_CROSSBAR_PARTITIONED_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "backends/crossbar/compiler.h"

namespace imcc::crossbar {

// Returns the sub-module of `module` made of `nodes` (indices, ascending):
// values they read from outside become inputs (same names), weights are
// shared, values read outside (or graph outputs) become outputs.
absl::StatusOr<ir::Module> ExtractSubModule(const ir::Module& module, const std::vector<int>& nodes,
                                            const std::string& name);

// Returns `module` with node `node` (a weight-stationary conv with group 1,
// or a plain gemm with trans_b) split into col_parts x row_parts nodes of
// the same op: outputs (channels / N) into column parts joined by
// tensor.concat on axis 1, the reduction axis (input channels / K) into row
// parts whose partial results are added (inputs sliced with tensor.slice;
// the bias goes with the first row part). Weight payloads are split too.
// Names "<node>#c_r"; the final node keeps the original result's name.
absl::StatusOr<ir::Module> SplitLayer(const ir::Module& module, int node, int col_parts, int row_parts);

struct PartitionOptions {
  std::string method = "auto";        // auto | none | greedy | layerwise | ga | dp
  std::string objective = "throughput";  // latency | throughput | energy | edp
};

// Compiles with partitioning: "none" is Compile(); "auto" partitions (with
// the GA) only when the model does not fit. Errors: InvalidArgument for a
// bad method/objective; ResourceExhausted (none: the model does not fit);
// Unimplemented when a layer larger than the chip cannot be split (grouped
// convolutions, matmuls); other such layers are split by output channels
// (SplitLayerByOutputs) first.
absl::StatusOr<Compiled> CompileWithPartitions(const ir::Module& module, const hw::HardwareDescription& hw,
                                               const CompileOptions& options, const PartitionOptions& partition);

}  // namespace imcc::crossbar

#endif  // IMCC_BACKENDS_CROSSBAR_PARTITIONED_H_
