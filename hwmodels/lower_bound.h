// Analytical lower bounds of a workload on a target, independent of any
// schedule: the maximum of a compute-bound term and one bandwidth-bound
// term per memory level, so a report shows how far a schedule is from the
// limit (the simulator adds its own critical-path / resource-load bound).
#ifndef IMCC_HWMODELS_LOWER_BOUND_H_
#define IMCC_HWMODELS_LOWER_BOUND_H_

#include <cstdint>
#include <string>
#include <vector>

#include "hwmodels/proto/hardware.pb.h"

namespace imcc::hw {

struct Workload {
  double macs = 0;              // multiply-accumulates (at the target's precision)
  double vector_elements = 0;   // element-wise work on vector units / NDP cores
  double dram_bytes = 0;        // must cross the external-memory interface
  double global_buffer_bytes = 0;
  double noc_bytes = 0;         // must cross the NoC (each byte once)
  double pcie_bytes = 0;        // NDP-DIMM systems: GPU <-> host link
  double gpu_flops = 0;         // NDP-DIMM systems
  double gpu_bytes = 0;
  double ndp_flops = 0;
  double ndp_bytes = 0;         // read inside the DIMMs (all DIMMs together)
};

struct BoundTerm {
  std::string name;  // "compute", "dram", "noc", ...
  double ns = 0;
};

struct WorkloadBound {
  double ns = 0;
  std::string binding;
  std::vector<BoundTerm> terms;
};

// Peak MACs per ns of the whole chip: every array busy with full MVMs,
// read and conversion pipelined (the per-activation step of cost.h).
double PeakMacsPerNs(const HardwareDescription& hw);

// Returns every term and the bound (their maximum).
WorkloadBound WorkloadLowerBound(const HardwareDescription& hw, const Workload& w);

}  // namespace imcc::hw

#endif  // IMCC_HWMODELS_LOWER_BOUND_H_
