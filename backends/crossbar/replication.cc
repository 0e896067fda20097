#include "backends/crossbar/replication.h"

#include <algorithm>
#include <limits>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace imcc::crossbar {
namespace {

int64_t CeilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

// Replica counts at which ceil(m / r) changes: every other r is dominated
// (more crossbars, same stage time). O(sqrt(m)) values, ascending.
std::vector<int64_t> UsefulReplicas(int64_t m, int64_t max_r) {
  std::vector<int64_t> out;
  for (int64_t r = 1; r <= std::min(m, max_r);) {
    out.push_back(r);
    const int64_t q = CeilDiv(m, r);
    if (q == 1) break;
    // Smallest r' > r with ceil(m / r') < q.
    r = CeilDiv(m, q - 1);
  }
  return out;
}

}  // namespace

absl::string_view StrategyName(ReplicationStrategy s) {
  switch (s) {
    case ReplicationStrategy::kNone: return "none";
    case ReplicationStrategy::kUniform: return "uniform";
    case ReplicationStrategy::kBalance: return "balance";
    case ReplicationStrategy::kDp: return "dp";
    case ReplicationStrategy::kOptimal: return "optimal";
  }
  return "?";
}

std::optional<ReplicationStrategy> StrategyFromName(absl::string_view name) {
  for (ReplicationStrategy s : {ReplicationStrategy::kNone, ReplicationStrategy::kUniform,
                                ReplicationStrategy::kBalance, ReplicationStrategy::kDp,
                                ReplicationStrategy::kOptimal}) {
    if (StrategyName(s) == name) return s;
  }
  return std::nullopt;
}

double StageTime(const StageCost& s, int64_t r) {
  return static_cast<double>(CeilDiv(s.mvms, std::max<int64_t>(1, r))) * s.mvm_ns;
}

Replication Evaluate(const std::vector<StageCost>& stages, std::vector<int64_t> replicas) {
  Replication out;
  out.replicas = std::move(replicas);
  for (size_t l = 0; l < stages.size(); ++l) {
    const double t = StageTime(stages[l], out.replicas[l]);
    out.arrays_used += out.replicas[l] * stages[l].arrays;
    out.latency_ns += t;
    if (t > out.bottleneck_ns) {
      out.bottleneck_ns = t;
      out.bottleneck_stage = stages[l].name;
    }
  }
  return out;
}

absl::StatusOr<Replication> Replicate(const std::vector<StageCost>& stages, int64_t budget,
                                      ReplicationStrategy strategy) {
  const size_t n = stages.size();
  int64_t base = 0;
  for (const StageCost& s : stages) base += s.arrays;
  if (base > budget) {
    return absl::ResourceExhaustedError(absl::StrCat("the model needs ", base,
                                                     " crossbars for one copy of its weights, the chip has ",
                                                     budget));
  }
  std::vector<int64_t> r(n, 1);
  switch (strategy) {
    case ReplicationStrategy::kNone:
      break;
    case ReplicationStrategy::kUniform: {
      const int64_t k = base > 0 ? budget / base : 1;
      std::fill(r.begin(), r.end(), std::max<int64_t>(1, k));
      for (size_t l = 0; l < n; ++l) r[l] = std::min(r[l], std::max<int64_t>(1, stages[l].mvms));
      break;
    }
    case ReplicationStrategy::kBalance: {
      int64_t used = base;
      while (true) {
        size_t worst = 0;
        double worst_t = -1;
        for (size_t l = 0; l < n; ++l) {
          const double t = StageTime(stages[l], r[l]);
          if (t > worst_t) {
            worst_t = t;
            worst = l;
          }
        }
        if (n == 0 || used + stages[worst].arrays > budget || r[worst] >= stages[worst].mvms) break;
        // Jump to the next replica count that actually shortens the stage.
        const int64_t q = CeilDiv(stages[worst].mvms, r[worst]);
        const int64_t next = q > 1 ? CeilDiv(stages[worst].mvms, q - 1) : r[worst] + 1;
        const int64_t extra = (next - r[worst]) * stages[worst].arrays;
        if (used + extra > budget) break;
        used += extra;
        r[worst] = next;
      }
      break;
    }
    case ReplicationStrategy::kDp: {
      // best[b] = minimal sum of stage times of layers so far using exactly
      // up to b extra crossbars beyond one replica each.
      const int64_t spare = budget - base;
      const double inf = std::numeric_limits<double>::infinity();
      std::vector<double> best(spare + 1, 0.0), next(spare + 1);
      std::vector<std::vector<int32_t>> choice(n, std::vector<int32_t>(spare + 1, 1));
      for (size_t l = 0; l < n; ++l) {
        const int64_t a = std::max<int64_t>(1, stages[l].arrays);
        const std::vector<int64_t> opts = UsefulReplicas(stages[l].mvms, spare / a + 1);
        std::fill(next.begin(), next.end(), inf);
        for (int64_t b = 0; b <= spare; ++b) {
          for (int64_t rep : opts) {
            const int64_t cost = (rep - 1) * a;
            if (cost > b) break;
            const double v = best[b - cost] + StageTime(stages[l], rep);
            if (v < next[b]) {
              next[b] = v;
              choice[l][b] = static_cast<int32_t>(rep);
            }
          }
        }
        best.swap(next);
      }
      int64_t b = spare;
      for (size_t l = n; l-- > 0;) {
        r[l] = choice[l][b];
        b -= (r[l] - 1) * std::max<int64_t>(1, stages[l].arrays);
      }
      break;
    }
    case ReplicationStrategy::kOptimal: {
      std::vector<double> candidates;
      for (const StageCost& s : stages) {
        for (int64_t rep : UsefulReplicas(s.mvms, budget / std::max<int64_t>(1, s.arrays))) {
          candidates.push_back(StageTime(s, rep));
        }
      }
      std::sort(candidates.begin(), candidates.end());
      candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
      auto needed = [&](double t, std::vector<int64_t>* reps) {
        int64_t used = 0;
        for (size_t l = 0; l < n; ++l) {
          if (stages[l].mvm_ns <= 0 || stages[l].mvms == 0) {
            if (reps != nullptr) (*reps)[l] = 1;
            used += stages[l].arrays;
            continue;
          }
          const int64_t per = static_cast<int64_t>(t / stages[l].mvm_ns + 1e-9);  // MVMs per replica
          if (per < 1) return std::numeric_limits<int64_t>::max();
          const int64_t rep = CeilDiv(stages[l].mvms, per);
          if (reps != nullptr) (*reps)[l] = std::max<int64_t>(1, rep);
          used += std::max<int64_t>(1, rep) * stages[l].arrays;
        }
        return used;
      };
      // The smallest feasible candidate (feasibility is monotone in t).
      size_t lo = 0, hi = candidates.size();
      while (lo < hi) {
        const size_t mid = (lo + hi) / 2;
        if (needed(candidates[mid], nullptr) <= budget) hi = mid;
        else lo = mid + 1;
      }
      if (lo < candidates.size()) needed(candidates[lo], &r);
      // The bottleneck is now optimal; spend what is left of the budget
      // on the slowest of the other stages (never raising the maximum),
      // which shortens the pipeline fill and a sample's latency.
      int64_t used = 0;
      for (size_t l = 0; l < n; ++l) used += r[l] * stages[l].arrays;
      while (true) {
        size_t pick = n;
        double pick_t = -1;
        for (size_t l = 0; l < n; ++l) {
          const double t = StageTime(stages[l], r[l]);
          const int64_t q = CeilDiv(stages[l].mvms, r[l]);
          if (q <= 1) continue;
          const int64_t next = CeilDiv(stages[l].mvms, q - 1);
          if (used + (next - r[l]) * stages[l].arrays > budget) continue;
          if (t > pick_t) {
            pick_t = t;
            pick = l;
          }
        }
        if (pick == n) break;
        const int64_t q = CeilDiv(stages[pick].mvms, r[pick]);
        const int64_t next = CeilDiv(stages[pick].mvms, q - 1);
        used += (next - r[pick]) * stages[pick].arrays;
        r[pick] = next;
      }
      break;
    }
  }
  return Evaluate(stages, r);
}

}  // namespace imcc::crossbar
