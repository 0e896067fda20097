#include "backends/crossbar/replication.h"

#include <algorithm>
#include <cmath>
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
  r = std::max<int64_t>(1, r);
  const double mvm = static_cast<double>(CeilDiv(s.mvms, r)) * s.mvm_ns;
  if (s.vector_ns <= 0) return mvm;
  const int64_t cores =
      s.arrays_per_core > 0 ? std::max<int64_t>(1, std::min<int64_t>(r, CeilDiv(r * s.arrays, s.arrays_per_core))) : 1;
  return std::max(mvm, s.vector_ns / static_cast<double>(cores));
}

namespace {

// Replica counts worth considering for `s` (ascending): where either term
// of its stage time can drop.
std::vector<int64_t> Candidates(const StageCost& s, int64_t max_r, size_t extra_cap) {
  std::vector<int64_t> out = UsefulReplicas(std::max<int64_t>(1, s.mvms), max_r);
  if (s.vector_ns > 0 && s.arrays_per_core > 0) {
    // The vector term drops when the replicas reach another core.
    const int64_t per_core = std::max<int64_t>(1, s.arrays_per_core / std::max<int64_t>(1, s.arrays));
    size_t added = 0;
    for (int64_t r = per_core; r <= max_r && added < extra_cap; r += per_core, ++added) out.push_back(r);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
  }
  return out;
}

// Smallest r in [1, max_r] with StageTime(s, r) <= t, or max_r + 1.
int64_t SmallestMeeting(const StageCost& s, double t, int64_t max_r) {
  int64_t lo = 1, hi = max_r + 1;
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo) / 2;
    if (StageTime(s, mid) <= t) hi = mid;  // exact: candidates are StageTime values
    else lo = mid + 1;
  }
  return lo;
}

}  // namespace

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
        if (n == 0) break;
        // Jump to the next replica count that actually shortens the stage.
        const int64_t max_r = r[worst] + (budget - used) / std::max<int64_t>(1, stages[worst].arrays);
        const int64_t next = SmallestMeeting(stages[worst], std::nextafter(worst_t, 0.0), max_r);
        if (next > max_r) break;
        used += (next - r[worst]) * stages[worst].arrays;
        r[worst] = next;
      }
      break;
    }
    case ReplicationStrategy::kDp: {
      // best[b] = lexicographically smallest (bottleneck, sum of stages) of
      // the layers so far using at most b crossbars beyond one replica each.
      const int64_t spare = budget - base;
      const double inf = std::numeric_limits<double>::infinity();
      using Value = std::pair<double, double>;
      std::vector<Value> best(spare + 1, Value{0.0, 0.0}), next(spare + 1);
      std::vector<std::vector<int32_t>> choice(n, std::vector<int32_t>(spare + 1, 1));
      for (size_t l = 0; l < n; ++l) {
        const int64_t a = std::max<int64_t>(1, stages[l].arrays);
        const std::vector<int64_t> opts = Candidates(stages[l], spare / a + 1, 64);
        std::fill(next.begin(), next.end(), Value{inf, inf});
        for (int64_t b = 0; b <= spare; ++b) {
          for (int64_t rep : opts) {
            const int64_t cost = (rep - 1) * a;
            if (cost > b) break;
            const double t = StageTime(stages[l], rep);
            const Value v{std::max(best[b - cost].first, t), best[b - cost].second + t};
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
        const int64_t max_r = budget / std::max<int64_t>(1, s.arrays);
        for (int64_t rep : Candidates(s, max_r, static_cast<size_t>(max_r))) candidates.push_back(StageTime(s, rep));
      }
      std::sort(candidates.begin(), candidates.end());
      candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
      auto needed = [&](double t, std::vector<int64_t>* reps) {
        int64_t used = 0;
        for (size_t l = 0; l < n; ++l) {
          const int64_t max_r = budget / std::max<int64_t>(1, stages[l].arrays);
          const int64_t rep = SmallestMeeting(stages[l], t, max_r);
          if (rep > max_r) return std::numeric_limits<int64_t>::max();
          if (reps != nullptr) (*reps)[l] = rep;
          used += rep * stages[l].arrays;
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
        int64_t pick_next = 0;
        for (size_t l = 0; l < n; ++l) {
          const double t = StageTime(stages[l], r[l]);
          if (t <= pick_t) continue;
          const int64_t max_r = r[l] + (budget - used) / std::max<int64_t>(1, stages[l].arrays);
          const int64_t next = SmallestMeeting(stages[l], std::nextafter(t, 0.0), max_r);
          if (next > max_r) continue;
          pick_t = t;
          pick = l;
          pick_next = next;
        }
        if (pick == n) break;
        used += (pick_next - r[pick]) * stages[pick].arrays;
        r[pick] = pick_next;
      }
      break;
    }
  }
  return Evaluate(stages, r);
}

}  // namespace imcc::crossbar
