#include "backends/crossbar/placement.h"

#include <algorithm>
#include <map>
#include <random>

#include "hwmodels/cost.h"

namespace imcc::crossbar {
namespace {

std::vector<int> Order(const hw::Chip& chip, bool serpentine) {
  std::vector<int> order;
  for (uint32_t y = 0; y < chip.cores_y(); ++y) {
    for (uint32_t x = 0; x < chip.cores_x(); ++x) {
      const uint32_t xx = serpentine && (y % 2 == 1) ? chip.cores_x() - 1 - x : x;
      order.push_back(static_cast<int>(y * chip.cores_x() + xx));
    }
  }
  return order;
}

}  // namespace

double ByteHops(const hw::Chip& chip, const std::vector<int>& physical, const std::vector<Traffic>& traffic) {
  double cost = 0;
  for (const Traffic& t : traffic) cost += t.bytes * hw::NocHops(chip, physical[t.from], physical[t.to]);
  return cost;
}

CorePlacement PlaceCores(const hw::Chip& chip, const std::vector<Traffic>& traffic_in, uint64_t seed,
                         int64_t max_trials) {
  const int cores = static_cast<int>(chip.cores_x() * chip.cores_y());
  // Merge parallel flows; drop flows within a core.
  std::map<std::pair<int, int>, double> merged;
  for (const Traffic& t : traffic_in) {
    if (t.from != t.to && t.bytes > 0) merged[{t.from, t.to}] += t.bytes;
  }
  std::vector<Traffic> traffic;
  for (const auto& [k, b] : merged) traffic.push_back({k.first, k.second, b});

  CorePlacement out;
  const std::vector<int> row_major = Order(chip, false), serpentine = Order(chip, true);
  const double c_rm = ByteHops(chip, row_major, traffic), c_sp = ByteHops(chip, serpentine, traffic);
  const bool serp = c_sp <= c_rm;
  out.physical = serp ? serpentine : row_major;
  out.initial_byte_hops = out.byte_hops = serp ? c_sp : c_rm;
  out.method = serp ? "serpentine" : "row-major";
  if (traffic.empty() || cores < 2 || chip.noc().topology() == hw::TOPOLOGY_BUS ||
      chip.noc().topology() == hw::TOPOLOGY_CROSSBAR) {
    return out;  // every placement costs the same
  }
  // Flows touching each logical core, and the cores that carry any.
  std::vector<std::vector<int>> touching(cores);
  for (size_t f = 0; f < traffic.size(); ++f) {
    touching[traffic[f].from].push_back(static_cast<int>(f));
    touching[traffic[f].to].push_back(static_cast<int>(f));
  }
  std::vector<int> busy;
  for (int c = 0; c < cores; ++c) {
    if (!touching[c].empty()) busy.push_back(c);
  }
  if (max_trials <= 0) max_trials = std::max<int64_t>(20000, 200 * static_cast<int64_t>(cores));
  std::vector<int>& phys = out.physical;
  auto flow_cost = [&](int f) {
    const Traffic& t = traffic[f];
    return t.bytes * hw::NocHops(chip, phys[t.from], phys[t.to]);
  };
  std::vector<int> flows;
  std::mt19937_64 rng(seed);  // the standard fixes its sequence
  for (int64_t trial = 0; trial < max_trials; ++trial) {
    const int a = busy[rng() % busy.size()];
    const int b = static_cast<int>(rng() % cores);
    if (a == b) continue;
    flows.assign(touching[a].begin(), touching[a].end());
    flows.insert(flows.end(), touching[b].begin(), touching[b].end());
    std::sort(flows.begin(), flows.end());
    flows.erase(std::unique(flows.begin(), flows.end()), flows.end());
    double before = 0;
    for (int f : flows) before += flow_cost(f);
    std::swap(phys[a], phys[b]);
    double after = 0;
    for (int f : flows) after += flow_cost(f);
    if (after < before - 1e-9 * std::max(1.0, before)) {
      out.byte_hops += after - before;
    } else {
      std::swap(phys[a], phys[b]);
    }
  }
  out.byte_hops = ByteHops(chip, phys, traffic);  // exact, no drift
  if (out.byte_hops < out.initial_byte_hops) out.method += "+search";
  return out;
}

}  // namespace imcc::crossbar
