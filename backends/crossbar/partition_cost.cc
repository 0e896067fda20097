#include "backends/crossbar/partition_cost.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "backends/crossbar/layer_matrix.h"
#include "backends/crossbar/replication.h"
#include "hwmodels/cost.h"

namespace imcc::crossbar {

absl::StatusOr<std::unique_ptr<PartitionModel>> MakePartitionModel(const ir::Module& module,
                                                                   const hw::HardwareDescription& hwd,
                                                                   int64_t batch) {
  auto model = std::make_unique<PartitionModel>();
  const ir::Graph& g = module.graph();
  const hw::Chip& chip = hwd.chip();
  const hw::Array& arr = chip.core().array();
  const int64_t budget = static_cast<int64_t>(chip.cores_x()) * chip.cores_y() * chip.core().arrays();
  const double act_bytes = std::max(1.0, arr.input_bits() / 8.0);
  const std::vector<MvmLayer> layers = ExtractMvmLayers(module);
  struct Unit {
    StageCost stage;
    double mvm_pj = 0;
    double weight_bytes = 0;
    int64_t rows_per_array = 0;
    double out_bytes = 0;  // activations per sample leaving the layer
    double psum_bytes = 0; // partial sums per sample exchanged between the cores a replica spans
    int last_consumer = 0; // index of the last unit that reads them (transitively through vector ops)
  };
  std::vector<Unit> units;
  std::vector<int> unit_of_node(g.num_nodes(), -1);
  for (size_t u = 0; u < layers.size(); ++u) unit_of_node[layers[u].node] = static_cast<int>(u);
  // The unit owning each node: the latest unit at or before it in node order.
  std::vector<int> owner(g.num_nodes(), -1);
  int current = -1;
  for (int i = 0; i < g.num_nodes(); ++i) {
    if (unit_of_node[i] >= 0) current = unit_of_node[i];
    owner[i] = current;
  }
  // Units: a layer, or (when one copy of it exceeds the chip) groups of
  // its column tiles, so that every unit fits; the parts of one layer are
  // consecutive units computing disjoint output channels.
  std::vector<int> first_unit(layers.size()), last_unit(layers.size());
  std::vector<int> layer_of_unit;
  std::vector<Unit> split;
  for (size_t u = 0; u < layers.size(); ++u) {
    const MvmLayer& l = layers[u];
    const Tiling t = TileLayer(l, arr);
    const ArrayTile tile = TileOnArray(l, t, arr);
    const hw::Cost c = hw::MvmCost(arr, tile.rows, tile.cols);
    const int64_t parts = t.arrays <= budget ? 1 : (t.arrays + budget - 1) / budget;
    first_unit[u] = static_cast<int>(split.size());
    for (int64_t k = 0; k < parts; ++k) {
      Unit unit;
      const int64_t arrays = t.arrays * (k + 1) / parts - t.arrays * k / parts;
      unit.stage = {parts == 1 ? l.name : absl::StrCat(l.name, "#", k), arrays, l.mvms, c.latency_ns, 0,
                    chip.core().arrays()};
      unit.mvm_pj = c.energy_pj * arrays;
      unit.weight_bytes = static_cast<double>(l.rows) * l.cols * l.groups * arr.weight_bits() / 8.0 / parts;
      unit.rows_per_array = tile.rows;
      {
        // As the compiler maps it: a replica spanning n cores finishes its
        // partial sums (32-bit) as a ring reduce-scatter, (n - 1) / n of
        // them crossing the NoC.
        const int64_t per_core = std::max<int64_t>(1, chip.core().arrays());
        const double n = static_cast<double>((arrays + per_core - 1) / per_core);
        const double cols = static_cast<double>(l.cols) * l.groups / parts;
        unit.psum_bytes = static_cast<double>(l.mvms) * cols * 4.0 * (n - 1) / n;
      }
      split.push_back(unit);
      layer_of_unit.push_back(static_cast<int>(u));
      model->names.push_back(unit.stage.name);
    }
    last_unit[u] = static_cast<int>(split.size()) - 1;
  }
  // The unit owning each node: the last unit of the latest layer at or
  // before it in node order.
  for (int i = 0; i < g.num_nodes(); ++i) owner[i] = owner[i] >= 0 ? last_unit[owner[i]] : -1;
  units = std::move(split);
  for (size_t u = 0; u < units.size(); ++u) units[u].last_consumer = static_cast<int>(u);
  // Activation bytes per unit and how far they are used: every node result
  // read by a node owned by a later unit extends its owner's reach.
  for (int i = 0; i < g.num_nodes(); ++i) {
    for (ir::ValueId in : g.node(i).inputs) {
      const ir::Value& v = g.value(in);
      if (v.kind != ir::ValueKind::kNodeResult) continue;
      const int from = owner[v.producer], to = owner[i];
      if (from < 0 || to <= from) continue;
      // Every part of the producing layer feeds the consumer.
      const int first = first_unit[layer_of_unit[from]];
      const int parts = from - first + 1;
      for (int k = first; k <= from; ++k) {
        units[k].last_consumer = std::max(units[k].last_consumer, to);
        units[k].out_bytes = std::max(units[k].out_bytes, v.type.num_elements() * act_bytes / parts);
      }
    }
  }
  model->num_units = static_cast<int>(units.size());
  const hw::ExternalMemory mem = chip.external_memory();
  // The NoC as the simulator has it: a pool of links (one on a bus).
  const double noc_bytes_per_ns =
      chip.noc().link_bandwidth_gbps() *
      (chip.noc().topology() == hw::TOPOLOGY_BUS ? 1.0
                                                 : static_cast<double>(std::max<uint32_t>(
                                                       1, std::min(chip.cores_x(), chip.cores_y()))));
  model->cost = [units, budget, batch, arr, mem, noc_bytes_per_ns](int b, int e) {
    partition::SegmentCost c;
    std::vector<StageCost> stages;
    int64_t arrays = 0;
    for (int u = b; u < e; ++u) {
      stages.push_back(units[u].stage);
      arrays += units[u].stage.arrays;
    }
    c.fits = arrays <= budget;
    if (!c.fits) return c;
    // As the compiler maps a segment: layers own whole cores when one copy
    // of each fits that way, else replicas are packed.
    const int64_t per_core = stages.empty() ? 0 : stages[0].arrays_per_core;
    int64_t owned = 0;
    for (const StageCost& s : stages) owned += Footprint(s, 1, per_core);
    absl::StatusOr<Replication> rep =
        Replicate(stages, budget, ReplicationStrategy::kOptimal, owned <= budget ? per_core : 0);
    if (!rep.ok()) {
      c.fits = false;
      return c;
    }
    // Weight replacement: one DRAM read of the weights, every replica's
    // arrays programmed in parallel (the longest array's rows).
    double weight_bytes = 0, rows_written = 0;
    int64_t max_rows = 0;
    for (int u = b; u < e; ++u) {
      const int64_t r = rep->replicas[u - b];
      weight_bytes += units[u].weight_bytes;
      rows_written += static_cast<double>(r) * units[u].stage.arrays * units[u].rows_per_array;
      max_rows = std::max(max_rows, units[u].rows_per_array);
    }
    const hw::Cost load = hw::DramStreamCost(mem, static_cast<int64_t>(weight_bytes));
    const double write_ns = max_rows * arr.write_latency_ns_per_row();
    // Activations crossing out of the segment go to DRAM and come back.
    double spill_bytes = 0;
    for (int u = b; u < e; ++u) {
      if (units[u].last_consumer >= e) spill_bytes += 2.0 * units[u].out_bytes * batch;
    }
    const hw::Cost spill = hw::DramStreamCost(mem, static_cast<int64_t>(spill_bytes));
    double compute_pj = 0;
    for (int u = b; u < e; ++u) compute_pj += units[u].mvm_pj * units[u].stage.mvms * batch;
    // Every layer's outputs and partial sums cross the NoC once per sample;
    // when that takes longer than the slowest stage, it sets the pace.
    double noc_bytes = 0;
    for (int u = b; u < e; ++u) noc_bytes += units[u].out_bytes + units[u].psum_bytes;
    const double noc_ns = noc_bytes_per_ns > 0 ? noc_bytes / noc_bytes_per_ns : 0;
    c.time_ns = std::max(load.latency_ns, write_ns) + rep->latency_ns + noc_ns +
                (batch - 1) * std::max(rep->bottleneck_ns, noc_ns) + spill.latency_ns;
    c.energy_pj = load.energy_pj + rows_written * arr.write_energy_pj_per_row() + spill.energy_pj + compute_pj;
    return c;
  };
  return model;
}

}  // namespace imcc::crossbar
