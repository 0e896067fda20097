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

struct PartitionOptions {
  std::string method = "auto";        // auto | none | greedy | layerwise | ga | dp
  std::string objective = "throughput";  // latency | throughput | energy | edp
};

// Compiles with partitioning: "none" is Compile(); "auto" partitions (with
// the GA) only when the model does not fit. Errors: InvalidArgument for a
// bad method/objective; ResourceExhausted (none: the model does not fit);
// Unimplemented when one layer alone exceeds the chip (splitting a layer
// across partitions is modelled in partition_cost.h but not compiled yet).
absl::StatusOr<Compiled> CompileWithPartitions(const ir::Module& module, const hw::HardwareDescription& hw,
                                               const CompileOptions& options, const PartitionOptions& partition);

}  // namespace imcc::crossbar

#endif  // IMCC_BACKENDS_CROSSBAR_PARTITIONED_H_
