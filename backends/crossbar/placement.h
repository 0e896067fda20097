// Core placement on the NoC: the compiler lays replicas out over logical
// cores 0..C-1 (contiguously, a layer's replicas together); this maps the
// logical cores to physical ones so that the traffic between them, in
// bytes x hops, is small. Start: the better of row-major and serpentine
// (which keeps consecutive layers neighbours); then a seeded descent that
// swaps two cores' positions whenever that lowers the cost (skip
// connections and multi-core layers pull their ends together).
// Deterministic for a seed.
#ifndef IMCC_BACKENDS_CROSSBAR_PLACEMENT_H_
#define IMCC_BACKENDS_CROSSBAR_PLACEMENT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "hwmodels/proto/hardware.pb.h"

namespace imcc::crossbar {

struct Traffic {
  int from = 0, to = 0;  // logical cores
  double bytes = 0;      // per sample
};

struct CorePlacement {
  std::vector<int> physical;     // physical core of each logical core
  double byte_hops = 0;          // the cost of `physical`
  double initial_byte_hops = 0;  // of the better fixed order
  std::string method;            // "row-major" or "serpentine", "+search" when the descent improved it
};

// Total bytes x hops of `traffic` under `physical`.
double ByteHops(const hw::Chip& chip, const std::vector<int>& physical, const std::vector<Traffic>& traffic);

// `max_trials` bounds the descent (0: 200 per core, at least 20000).
CorePlacement PlaceCores(const hw::Chip& chip, const std::vector<Traffic>& traffic, uint64_t seed = 1,
                         int64_t max_trials = 0);

}  // namespace imcc::crossbar

#endif  // IMCC_BACKENDS_CROSSBAR_PLACEMENT_H_
