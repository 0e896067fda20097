// Partitions a sequence of mapping units (weight-stationary layers in
// topological order) into contiguous segments that each fit the chip, for
// models larger than the chip (COMPASS, DATE'25): segment p runs over the
// batch, then the chip is reprogrammed with segment p+1's weights. The cost
// of a segment comes from a callback (the backend's model of its weight
// replacement, reuse phase and spills), so this library is hardware
// independent.
//
// Methods (all deterministic; the GA is seeded):
//   layerwise  one unit per segment (COMPASS's baseline);
//   greedy     fill the chip unit by unit (COMPASS's baseline);
//   dp         exact dynamic program over cut points: additive objectives
//              (latency/throughput: time; energy) directly, EDP over the
//              Pareto front of (time, energy) per prefix;
//   ga         COMPASS's genetic algorithm: a chromosome is the set of cut
//              points; mutations split, merge and move cuts; one-point
//              crossover with repair; tournament selection with elitism.
#ifndef IMCC_PASSES_PARTITION_PARTITIONER_H_
#define IMCC_PASSES_PARTITION_PARTITIONER_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace imcc::partition {

struct SegmentCost {
  bool fits = false;
  double time_ns = 0;
  double energy_pj = 0;
};

// Cost of the segment of units [begin, end). Called repeatedly; results are
// cached. A segment's sub-segments must fit whenever it fits.
using SegmentCostFn = std::function<SegmentCost(int begin, int end)>;

enum class Objective { kLatency, kThroughput, kEnergy, kEdp };
enum class Method { kLayerwise, kGreedy, kDp, kGa };

absl::string_view ObjectiveName(Objective o);
std::optional<Objective> ObjectiveFromName(absl::string_view name);
absl::string_view MethodName(Method m);
std::optional<Method> MethodFromName(absl::string_view name);

struct GaOptions {
  int population = 100;   // COMPASS's defaults
  int generations = 30;
  uint64_t seed = 1;
};

struct Partition {
  std::vector<int> starts;  // first unit of each segment; starts[0] == 0
  double time_ns = 0;
  double energy_pj = 0;
  double objective = 0;     // value minimised (time, energy or time x energy)
  int64_t evaluations = 0;  // distinct segment costs computed
};

// Returns the best partition `method` finds. ResourceExhausted when a single
// unit does not fit ("unit 3 alone does not fit the chip").
absl::StatusOr<Partition> PartitionUnits(int num_units, const SegmentCostFn& cost, Method method,
                                         Objective objective, const GaOptions& ga = {});

}  // namespace imcc::partition

#endif  // IMCC_PASSES_PARTITION_PARTITIONER_H_
