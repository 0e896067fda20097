#include "passes/partition/partitioner.h"

#include <algorithm>
#include <limits>
#include <map>
#include <random>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace imcc::partition {
namespace {

double Value(Objective o, double time, double energy) {
  switch (o) {
    case Objective::kLatency:
    case Objective::kThroughput:
      return time;
    case Objective::kEnergy:
      return energy;
    case Objective::kEdp:
      return time * energy;
  }
  return time;
}

class Evaluator {
 public:
  Evaluator(int n, const SegmentCostFn& fn) : n_(n), fn_(fn) {}
  const SegmentCost& Get(int b, int e) {
    auto [it, inserted] = cache_.try_emplace({b, e});
    if (inserted) it->second = fn_(b, e);
    return it->second;
  }
  int64_t evaluations() const { return static_cast<int64_t>(cache_.size()); }
  int n() const { return n_; }

  // Fills time/energy/objective of `p` from its starts; false if a segment
  // does not fit.
  bool Score(Partition& p, Objective o) {
    p.time_ns = p.energy_pj = 0;
    for (size_t k = 0; k < p.starts.size(); ++k) {
      const int e = k + 1 < p.starts.size() ? p.starts[k + 1] : n_;
      const SegmentCost& c = Get(p.starts[k], e);
      if (!c.fits) return false;
      p.time_ns += c.time_ns;
      p.energy_pj += c.energy_pj;
    }
    p.objective = Value(o, p.time_ns, p.energy_pj);
    return true;
  }

 private:
  int n_;
  const SegmentCostFn& fn_;
  std::map<std::pair<int, int>, SegmentCost> cache_;
};

std::vector<int> Greedy(Evaluator& ev) {
  std::vector<int> starts = {0};
  int b = 0;
  for (int e = 1; e < ev.n(); ++e) {
    if (!ev.Get(b, e + 1).fits) {
      starts.push_back(e);
      b = e;
    }
  }
  return starts;
}

std::vector<int> Dp(Evaluator& ev, Objective o) {
  const int n = ev.n();
  if (o != Objective::kEdp) {
    std::vector<double> best(n + 1, std::numeric_limits<double>::infinity());
    std::vector<int> prev(n + 1, -1);
    best[0] = 0;
    for (int e = 1; e <= n; ++e) {
      for (int b = e - 1; b >= 0; --b) {
        const SegmentCost& c = ev.Get(b, e);
        if (!c.fits) break;  // longer segments do not fit either
        const double v = best[b] + Value(o, c.time_ns, c.energy_pj);
        if (v < best[e]) {
          best[e] = v;
          prev[e] = b;
        }
      }
    }
    std::vector<int> starts;
    for (int e = n; e > 0; e = prev[e]) starts.push_back(prev[e]);
    std::reverse(starts.begin(), starts.end());
    return starts;
  }
  // EDP = (sum of times) x (sum of energies): keep every prefix's Pareto
  // front of (time, energy); the product's minimum lies on the full front.
  struct Point {
    double t, en;
    int b, idx;  // previous prefix end and index in its front
  };
  std::vector<std::vector<Point>> front(n + 1);
  front[0].push_back({0, 0, -1, -1});
  for (int e = 1; e <= n; ++e) {
    std::vector<Point> cand;
    for (int b = e - 1; b >= 0; --b) {
      const SegmentCost& c = ev.Get(b, e);
      if (!c.fits) break;
      for (size_t k = 0; k < front[b].size(); ++k) {
        cand.push_back({front[b][k].t + c.time_ns, front[b][k].en + c.energy_pj, b, static_cast<int>(k)});
      }
    }
    std::sort(cand.begin(), cand.end(), [](const Point& x, const Point& y) {
      return x.t != y.t ? x.t < y.t : x.en < y.en;
    });
    double best_en = std::numeric_limits<double>::infinity();
    for (const Point& p : cand) {
      if (p.en < best_en) {
        front[e].push_back(p);
        best_en = p.en;
      }
    }
  }
  size_t pick = 0;
  for (size_t k = 1; k < front[n].size(); ++k) {
    if (front[n][k].t * front[n][k].en < front[n][pick].t * front[n][pick].en) pick = k;
  }
  std::vector<int> starts;
  int e = n, idx = static_cast<int>(pick);
  while (e > 0) {
    const Point& p = front[e][idx];
    starts.push_back(p.b);
    e = p.b;
    idx = p.idx;
  }
  std::reverse(starts.begin(), starts.end());
  return starts;
}

// Chromosome: cut[k] = a segment starts at unit k + 1.
using Genes = std::vector<bool>;

std::vector<int> Starts(const Genes& g) {
  std::vector<int> s = {0};
  for (size_t k = 0; k < g.size(); ++k) {
    if (g[k]) s.push_back(static_cast<int>(k) + 1);
  }
  return s;
}

// Adds cuts until every segment fits (cut as late as possible).
void Repair(Genes& g, Evaluator& ev) {
  int b = 0;
  for (int e = 1; e < ev.n(); ++e) {
    if (g[e - 1]) {
      b = e;
      continue;
    }
    if (!ev.Get(b, e + 1).fits) {
      g[e - 1] = true;
      b = e;
    }
  }
}

std::vector<int> Ga(Evaluator& ev, Objective o, const GaOptions& opt) {
  const int n = ev.n();
  if (n <= 1) return {0};
  std::mt19937_64 rng(opt.seed);
  auto score = [&](const Genes& g) {
    Partition p;
    p.starts = Starts(g);
    return ev.Score(p, o) ? p.objective : std::numeric_limits<double>::infinity();
  };
  const int pop_size = std::max(4, opt.population);
  std::vector<std::pair<double, Genes>> pop;
  // Seeds: greedy, layerwise, and random cut sets.
  Genes greedy(n - 1, false);
  for (int s : Greedy(ev)) {
    if (s > 0) greedy[s - 1] = true;
  }
  pop.push_back({score(greedy), greedy});
  pop.push_back({score(Genes(n - 1, true)), Genes(n - 1, true)});
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  while (static_cast<int>(pop.size()) < pop_size) {
    Genes g(n - 1);
    const double density = unit(rng);
    for (size_t k = 0; k < g.size(); ++k) g[k] = unit(rng) < density * 0.5;
    Repair(g, ev);
    pop.push_back({score(g), g});
  }
  auto by_score = [](const auto& a, const auto& b) { return a.first < b.first; };
  std::stable_sort(pop.begin(), pop.end(), by_score);
  std::uniform_int_distribution<int> pick(0, pop_size - 1), cut(0, n - 2);
  for (int gen = 0; gen < opt.generations; ++gen) {
    std::vector<std::pair<double, Genes>> next(pop.begin(), pop.begin() + 2);  // elitism
    while (static_cast<int>(next.size()) < pop_size) {
      auto tournament = [&]() -> const Genes& {
        const int a = pick(rng), b = pick(rng);
        return pop[std::min(a, b)].second;  // the population is sorted: lower index wins
      };
      Genes child = tournament();
      const Genes& other = tournament();
      const int x = cut(rng);
      for (int k = x; k < n - 1; ++k) child[k] = other[k];  // one-point crossover
      // Mutations: split, merge, move.
      const double r = unit(rng);
      const int k = cut(rng);
      if (r < 0.33) {
        child[k] = true;
      } else if (r < 0.66) {
        child[k] = false;
      } else if (child[k]) {
        const int to = std::clamp(k + (unit(rng) < 0.5 ? -1 : 1), 0, n - 2);
        child[k] = false;
        child[to] = true;
      }
      Repair(child, ev);
      next.push_back({score(child), std::move(child)});
    }
    pop = std::move(next);
    std::stable_sort(pop.begin(), pop.end(), by_score);
  }
  return Starts(pop[0].second);
}

}  // namespace

absl::string_view ObjectiveName(Objective o) {
  switch (o) {
    case Objective::kLatency: return "latency";
    case Objective::kThroughput: return "throughput";
    case Objective::kEnergy: return "energy";
    case Objective::kEdp: return "edp";
  }
  return "?";
}

std::optional<Objective> ObjectiveFromName(absl::string_view name) {
  for (Objective o : {Objective::kLatency, Objective::kThroughput, Objective::kEnergy, Objective::kEdp}) {
    if (ObjectiveName(o) == name) return o;
  }
  return std::nullopt;
}

absl::string_view MethodName(Method m) {
  switch (m) {
    case Method::kLayerwise: return "layerwise";
    case Method::kGreedy: return "greedy";
    case Method::kDp: return "dp";
    case Method::kGa: return "ga";
  }
  return "?";
}

std::optional<Method> MethodFromName(absl::string_view name) {
  for (Method m : {Method::kLayerwise, Method::kGreedy, Method::kDp, Method::kGa}) {
    if (MethodName(m) == name) return m;
  }
  return std::nullopt;
}

absl::StatusOr<Partition> PartitionUnits(int num_units, const SegmentCostFn& cost, Method method,
                                         Objective objective, const GaOptions& ga) {
  if (num_units <= 0) return absl::InvalidArgumentError("nothing to partition: no units");
  Evaluator ev(num_units, cost);
  for (int u = 0; u < num_units; ++u) {
    if (!ev.Get(u, u + 1).fits) {
      return absl::ResourceExhaustedError(absl::StrCat("unit ", u, " alone does not fit the chip"));
    }
  }
  Partition p;
  switch (method) {
    case Method::kLayerwise:
      for (int u = 0; u < num_units; ++u) p.starts.push_back(u);
      break;
    case Method::kGreedy:
      p.starts = Greedy(ev);
      break;
    case Method::kDp:
      p.starts = Dp(ev, objective);
      break;
    case Method::kGa:
      p.starts = Ga(ev, objective, ga);
      break;
  }
  if (!ev.Score(p, objective)) return absl::InternalError("partition has a segment that does not fit");
  p.evaluations = ev.evaluations();
  return p;
}

}  // namespace imcc::partition
