// Weight replication: how many copies of each layer's crossbars to place so
// that a layer-pipelined schedule runs faster, under the chip's crossbar
// budget. A layer l with a_l arrays per replica, m_l MVMs per sample, an
// MVM time of c_l and v_l ns of vector work per sample attached to it (its
// partial sums and the element-wise ops after it, which run on the vector
// units of the cores holding its replicas) takes, with r replicas,
//   stage_l(r) = max(ceil(m_l / r) * c_l, (v_l + p_l / span_l) * busiest_l(r) / r),
//   busiest_l(r) = min(r, ceil(arrays_per_core / a_l))  (1 if a_l > arrays_per_core),
//   span_l = ceil(a_l / arrays_per_core), the cores one replica spans,
// with p_l the partial-sum reduction work, spread over the spanned cores,
// the replicas on the fullest core of the layer's contiguous run (each
// replica post-processes its own outputs on its core's vector unit); the
// pipeline's bottleneck is max_l stage_l and a sample's latency through
// the stages is their sum.
//
// Two ways to count the budget (CIM-MLC's multi-tier mapping):
//   packed      (core_arrays = 0) replicas of all layers packed end to end,
//               a layer costs r * a_l crossbars; layers may share a core
//               (and its vector unit, which the formula above ignores).
//   core-owning (core_arrays = arrays per core) every layer owns whole
//               cores: it costs ceil(r * a_l / core_arrays) cores, and once
//               cores are allocated the spare crossbars in them take more
//               replicas ("crossbar-level duplication inside allocated
//               cores"). The formula is then exact for the vector units,
//               which no two layers share. The compiler uses this mode
//               whenever one copy of every layer fits it.
//
// A layer's MVMs per sample are its output positions, i.e. the final
// layer's times the square of the cumulative stride between them, so
// equalising stage times is CIM-MLC's cumulative-stride pipeline balancing
// (and it extends to branches and non-conv layers).
//
// Strategies (all deterministic):
//   none     r = 1 everywhere.
//   uniform  the same r for every layer, as large as the budget allows.
//   balance  PIMCOMP's greedy: give one more replica to the current
//            bottleneck layer while it fits (ties: lowest layer index).
//   dp       CIM-MLC's knapsack duplication: dynamic programming over
//            layers x crossbars minimising the bottleneck, then the sum of
//            stage times (or the crossbars used, with kLeaveEmpty) (exact over each layer's candidate replica counts:
//            every count where ceil(m / r) changes, plus up to 64 more where
//            the vector term does).
//   optimal  minimise the bottleneck exactly: the optimum is one of the
//            stage values ceil(m_l / r) * c_l, searched in sorted order
//            with a feasibility check (smallest replicas meeting it).
#ifndef IMCC_BACKENDS_CROSSBAR_REPLICATION_H_
#define IMCC_BACKENDS_CROSSBAR_REPLICATION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace imcc::crossbar {

enum class ReplicationStrategy { kNone, kUniform, kBalance, kDp, kOptimal };

absl::string_view StrategyName(ReplicationStrategy s);
std::optional<ReplicationStrategy> StrategyFromName(absl::string_view name);

struct StageCost {
  std::string name;
  int64_t arrays = 0;     // per replica
  int64_t mvms = 0;       // per sample
  double mvm_ns = 0;      // one MVM on one replica
  double vector_ns = 0;   // attached vector work per sample, on one core
  int64_t arrays_per_core = 0;  // 0: the vector term never spreads
  // Partial-sum reduction per sample. A replica wider than a core reduces
  // its row tiles' partial sums on every core it spans.
  double reduce_ns = 0;
};

struct Replication {
  std::vector<int64_t> replicas;
  int64_t arrays_used = 0;  // crossbars holding weights
  int64_t footprint = 0;    // crossbars allocated (whole cores when layers own cores)
  double bottleneck_ns = 0;  // max stage time
  double latency_ns = 0;     // sum of stage times
  std::string bottleneck_stage;
};

// Stage time of `s` with `r` replicas.
double StageTime(const StageCost& s, int64_t r);

// Crossbars that `r` replicas of `s` take: r * arrays, rounded up to whole
// cores of `core_arrays` when core_arrays > 0.
int64_t Footprint(const StageCost& s, int64_t r, int64_t core_arrays);

// Evaluates given replica counts.
Replication Evaluate(const std::vector<StageCost>& stages, std::vector<int64_t> replicas,
                     int64_t core_arrays = 0);

// What dp does with crossbars left once the bottleneck is minimal: shorten
// the other stages (a sample's latency through the pipeline: the element
// pipeline's goal), or leave them unprogrammed (a batch pipeline's steady
// state does not need them, and every copy costs weight writes). balance
// never spends them; optimal always gives them to the slowest other
// stages, which shortens the fill and leaves every non-bottleneck stage
// slack.
enum class SpareCrossbars { kShortenStages, kLeaveEmpty };

// Replica counts for `strategy` within `budget` crossbars; layers own
// whole cores of `core_arrays` crossbars when it is > 0 (see above).
// ResourceExhausted ("needs N crossbars, the chip has M", or whole cores)
// when even one replica of every layer does not fit `budget`.
absl::StatusOr<Replication> Replicate(const std::vector<StageCost>& stages, int64_t budget,
                                      ReplicationStrategy strategy, int64_t core_arrays = 0,
                                      SpareCrossbars spare = SpareCrossbars::kShortenStages);

}  // namespace imcc::crossbar

#endif  // IMCC_BACKENDS_CROSSBAR_REPLICATION_H_
