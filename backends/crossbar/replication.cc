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
  if (s.vector_ns <= 0 && s.reduce_ns <= 0) return mvm;
  // Each replica post-processes the outputs it computes on its own core's
  // vector unit; replicas laid contiguously from a core boundary put
  // ceil(arrays_per_core / arrays) of them on the first core.
  const int64_t a = std::max<int64_t>(1, s.arrays);
  const int64_t per_core = s.arrays_per_core > 0 && a <= s.arrays_per_core ? CeilDiv(s.arrays_per_core, a) : 1;
  const int64_t busiest = s.arrays_per_core > 0 ? std::min(r, per_core) : r;
  const int64_t span = s.arrays_per_core > 0 ? CeilDiv(a, s.arrays_per_core) : 1;
  const double per_replica = s.vector_ns + s.reduce_ns / static_cast<double>(span);
  return std::max(mvm, per_replica * static_cast<double>(busiest) / static_cast<double>(r));
}

int64_t Footprint(const StageCost& s, int64_t r, int64_t core_arrays) {
  const int64_t arrays = r * std::max<int64_t>(1, s.arrays);
  return core_arrays > 0 ? CeilDiv(arrays, core_arrays) * core_arrays : arrays;
}

namespace {

// The most replicas of `s` whose footprint is at most `arrays`.
int64_t MaxWithin(const StageCost& s, int64_t arrays, int64_t core_arrays) {
  if (core_arrays > 0) arrays = arrays / core_arrays * core_arrays;
  return arrays / std::max<int64_t>(1, s.arrays);
}

// Crossbar-level duplication inside allocated cores: a layer that owns
// whole cores fills their spare arrays with more replicas (free: its
// footprint is unchanged, and StageTime never grows with r).
int64_t Fill(const StageCost& s, int64_t r, int64_t core_arrays) {
  return core_arrays > 0 ? std::max(r, MaxWithin(s, Footprint(s, r, core_arrays), core_arrays)) : r;
}

// Replica counts worth considering for `s` (ascending) up to max_r. Packed:
// where either term of its stage time can drop. Core-owning: the most
// replicas that k whole cores hold, for every k, keeping those that are
// faster than the previous one.
std::vector<int64_t> Candidates(const StageCost& s, int64_t max_r, size_t extra_cap, int64_t core_arrays) {
  std::vector<int64_t> out;
  if (core_arrays > 0) {
    double last = std::numeric_limits<double>::infinity();
    for (int64_t k = Footprint(s, 1, core_arrays) / core_arrays;; ++k) {
      const int64_t r = MaxWithin(s, k * core_arrays, core_arrays);
      if (r > max_r) break;
      const double t = StageTime(s, r);
      if (t < last) {
        out.push_back(r);
        last = t;
      }
      if (r >= s.mvms && ((s.vector_ns <= 0 && s.reduce_ns <= 0) || r >= max_r)) break;
    }
    if (out.empty()) out.push_back(1);
    return out;
  }
  out = UsefulReplicas(std::max<int64_t>(1, s.mvms), max_r);
  if ((s.vector_ns > 0 || s.reduce_ns > 0) && s.arrays_per_core > 0) {
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

Replication Evaluate(const std::vector<StageCost>& stages, std::vector<int64_t> replicas, int64_t core_arrays) {
  Replication out;
  out.replicas = std::move(replicas);
  for (size_t l = 0; l < stages.size(); ++l) {
    const double t = StageTime(stages[l], out.replicas[l]);
    out.arrays_used += out.replicas[l] * stages[l].arrays;
    out.footprint += Footprint(stages[l], out.replicas[l], core_arrays);
    out.latency_ns += t;
    if (t > out.bottleneck_ns) {
      out.bottleneck_ns = t;
      out.bottleneck_stage = stages[l].name;
    }
  }
  return out;
}

absl::StatusOr<Replication> Replicate(const std::vector<StageCost>& stages, int64_t budget,
                                      ReplicationStrategy strategy, int64_t core_arrays, SpareCrossbars spare_use) {
  const size_t n = stages.size();
  const int64_t g = core_arrays;
  int64_t base = 0;
  for (const StageCost& s : stages) base += Footprint(s, 1, g);
  if (base > budget) {
    if (g > 0) {
      return absl::ResourceExhaustedError(absl::StrCat("the model needs ", base / g,
                                                       " whole cores for one copy of its weights with one layer "
                                                       "per core, the chip has ",
                                                       budget / g));
    }
    return absl::ResourceExhaustedError(absl::StrCat("the model needs ", base,
                                                     " crossbars for one copy of its weights, the chip has ",
                                                     budget));
  }
  std::vector<int64_t> r(n, 1);
  switch (strategy) {
    case ReplicationStrategy::kNone:
      break;
    case ReplicationStrategy::kUniform: {
      // The largest common k that fits (footprint is monotone in k).
      int64_t lo = 1, hi = std::max<int64_t>(1, budget);
      while (lo < hi) {
        const int64_t mid = lo + (hi - lo + 1) / 2;
        int64_t used = 0;
        for (const StageCost& s : stages) used += Footprint(s, mid, g);
        if (used <= budget) lo = mid;
        else hi = mid - 1;
      }
      std::fill(r.begin(), r.end(), lo);
      break;
    }
    case ReplicationStrategy::kBalance: {
      int64_t used = base;
      for (size_t l = 0; l < n; ++l) {
        used -= Footprint(stages[l], 1, g);
        r[l] = Fill(stages[l], 1, g);
        used += Footprint(stages[l], r[l], g);
      }
      while (n > 0) {
        size_t worst = 0;
        double worst_t = -1;
        for (size_t l = 0; l < n; ++l) {
          const double t = StageTime(stages[l], r[l]);
          if (t > worst_t) {
            worst_t = t;
            worst = l;
          }
        }
        // Jump to the next replica count that actually shortens the stage.
        const StageCost& s = stages[worst];
        const int64_t max_r = MaxWithin(s, budget - used + Footprint(s, r[worst], g), g);
        int64_t next = SmallestMeeting(s, std::nextafter(worst_t, 0.0), max_r);
        if (next > max_r) break;
        next = Fill(s, next, g);
        used += Footprint(s, next, g) - Footprint(s, r[worst], g);
        r[worst] = next;
      }
      break;
    }
    case ReplicationStrategy::kDp: {
      // best[b] = lexicographically smallest (bottleneck, sum of stages) of
      // the layers so far using at most b units (crossbars, or whole cores
      // when layers own cores) beyond one replica each.
      const int64_t unit = g > 0 ? g : 1;
      const int64_t spare = (budget - base) / unit;
      const double inf = std::numeric_limits<double>::infinity();
      using Value = std::pair<double, double>;
      std::vector<Value> best(spare + 1, Value{0.0, 0.0}), next(spare + 1);
      std::vector<std::vector<int64_t>> choice(n, std::vector<int64_t>(spare + 1, 1));
      std::vector<std::vector<int64_t>> extra_of(n);
      for (size_t l = 0; l < n; ++l) {
        const StageCost& s = stages[l];
        const int64_t base_fp = Footprint(s, 1, g);
        const std::vector<int64_t> opts = Candidates(s, MaxWithin(s, base_fp + spare * unit, g), 64, g);
        std::fill(next.begin(), next.end(), Value{inf, inf});
        for (int64_t b = 0; b <= spare; ++b) {
          for (int64_t rep : opts) {
            const int64_t cost = (Footprint(s, rep, g) - base_fp) / unit;
            if (cost > b) break;
            const double t = StageTime(s, rep);
            const double second = spare_use == SpareCrossbars::kShortenStages ? t : static_cast<double>(cost);
            const Value v{std::max(best[b - cost].first, t), best[b - cost].second + second};
            if (v < next[b]) {
              next[b] = v;
              choice[l][b] = rep;
            }
          }
        }
        best.swap(next);
      }
      int64_t b = spare;
      for (size_t l = n; l-- > 0;) {
        r[l] = choice[l][b];
        b -= (Footprint(stages[l], r[l], g) - Footprint(stages[l], 1, g)) / unit;
      }
      for (size_t l = 0; l < n; ++l) r[l] = Fill(stages[l], r[l], g);
      break;
    }
    case ReplicationStrategy::kOptimal: {
      std::vector<double> candidates;
      std::vector<int64_t> max_rs(n);
      for (size_t l = 0; l < n; ++l) {
        const StageCost& s = stages[l];
        max_rs[l] = MaxWithin(s, budget - base + Footprint(s, 1, g), g);
        for (int64_t rep : Candidates(s, max_rs[l], static_cast<size_t>(max_rs[l]), g)) {
          candidates.push_back(StageTime(s, rep));
        }
      }
      std::sort(candidates.begin(), candidates.end());
      candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
      auto needed = [&](double t, std::vector<int64_t>* reps) {
        int64_t used = 0;
        for (size_t l = 0; l < n; ++l) {
          const int64_t rep = SmallestMeeting(stages[l], t, max_rs[l]);
          if (rep > max_rs[l]) return std::numeric_limits<int64_t>::max();
          if (reps != nullptr) (*reps)[l] = rep;
          used += Footprint(stages[l], rep, g);
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
      for (size_t l = 0; l < n; ++l) r[l] = Fill(stages[l], r[l], g);
      // The bottleneck is now optimal; spend what is left of the budget
      // on the slowest of the other stages (never raising the maximum),
      // which shortens the pipeline fill and a sample's latency.
      int64_t used = 0;
      for (size_t l = 0; l < n; ++l) used += Footprint(stages[l], r[l], g);
      while (true) {
        size_t pick = n;
        double pick_t = -1;
        int64_t pick_next = 0;
        for (size_t l = 0; l < n; ++l) {
          const double t = StageTime(stages[l], r[l]);
          if (t <= pick_t) continue;
          const int64_t max_r = MaxWithin(stages[l], budget - used + Footprint(stages[l], r[l], g), g);
          const int64_t next = SmallestMeeting(stages[l], std::nextafter(t, 0.0), max_r);
          if (next > max_r) continue;
          pick_t = t;
          pick = l;
          pick_next = Fill(stages[l], next, g);
        }
        if (pick == n) break;
        used += Footprint(stages[pick], pick_next, g) - Footprint(stages[pick], r[pick], g);
        r[pick] = pick_next;
      }
      break;
    }
  }
  return Evaluate(stages, r, g);
}

}  // namespace imcc::crossbar
