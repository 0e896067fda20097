// The crossbar backend's analytical cost of one partition segment (COMPASS's
// execution model) for passes/partition: the segment's layers are
// replicated inside the chip (optimal replication), run layer-pipelined over
// the batch (first sample through every stage, then one per bottleneck),
// after a weight-replacement phase (the segment's weights read from DRAM
// once and written into the arrays, rows in parallel across arrays) and
// with activations that cross the segment boundary stored to and loaded
// from DRAM. Simulating partitioned programs is the next step (issue 5);
// this model ranks partitions.
#ifndef IMCC_BACKENDS_CROSSBAR_PARTITION_COST_H_
#define IMCC_BACKENDS_CROSSBAR_PARTITION_COST_H_

#include <vector>

#include "absl/status/statusor.h"
#include "hwmodels/proto/hardware.pb.h"
#include "ir/module.h"
#include "passes/partition/partitioner.h"

namespace imcc::crossbar {

struct PartitionModel {
  int num_units = 0;                 // weight-stationary layers, in node order
  partition::SegmentCostFn cost;     // valid as long as the model lives
  std::vector<std::string> names;
};

// Builds the segment cost model of `module` on `hw` for `batch` samples.
// The returned object owns everything the callback uses.
absl::StatusOr<std::unique_ptr<PartitionModel>> MakePartitionModel(const ir::Module& module,
                                                                   const hw::HardwareDescription& hw,
                                                                   int64_t batch);

}  // namespace imcc::crossbar

#endif  // IMCC_BACKENDS_CROSSBAR_PARTITION_COST_H_
