#include "backends/crossbar/partitioned.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "backends/crossbar/layer_matrix.h"
#include "backends/crossbar/partition_cost.h"
#include "hwmodels/cost.h"
#include "ir/support/status_macros.h"
#include "passes/partition/partitioner.h"

namespace imcc::crossbar {

absl::StatusOr<ir::Module> ExtractSubModule(const ir::Module& m, const std::vector<int>& nodes,
                                            const std::string& name) {
  const ir::Graph& g = m.graph();
  ir::Module sub(name);
  ir::Graph& sg = sub.graph();
  std::vector<bool> inside(g.num_nodes(), false);
  for (int i : nodes) inside[i] = true;
  std::map<ir::ValueId, ir::ValueId> map;
  auto value = [&](ir::ValueId id) -> absl::StatusOr<ir::ValueId> {
    auto it = map.find(id);
    if (it != map.end()) return it->second;
    const ir::Value& v = g.value(id);
    ir::ValueId nid;
    if (v.kind == ir::ValueKind::kWeight) {
      IMCC_ASSIGN_OR_RETURN(nid, sg.AddWeight(v.name, v.type, v.data));
    } else {
      IMCC_ASSIGN_OR_RETURN(nid, sg.AddInput(v.name, v.type));
    }
    map[id] = nid;
    return nid;
  };
  for (int i : nodes) {
    const ir::Node& n = g.node(i);
    std::vector<ir::ValueId> ins;
    for (ir::ValueId in : n.inputs) {
      IMCC_ASSIGN_OR_RETURN(ir::ValueId nid, value(in));
      ins.push_back(nid);
    }
    std::vector<std::string> names;
    std::vector<ir::TensorType> types;
    for (ir::ValueId out : n.outputs) {
      names.push_back(g.value(out).name);
      types.push_back(g.value(out).type);
    }
    IMCC_ASSIGN_OR_RETURN(int idx, sg.AddNode(n.op, n.name, std::move(ins), names, types, n.attrs));
    for (size_t k = 0; k < n.outputs.size(); ++k) map[n.outputs[k]] = sg.node(idx).outputs[k];
  }
  // Outputs: produced inside, read outside or by the graph.
  std::vector<bool> read_outside(g.num_values(), false);
  for (int i = 0; i < g.num_nodes(); ++i) {
    if (inside[i]) continue;
    for (ir::ValueId in : g.node(i).inputs) read_outside[in] = true;
  }
  for (ir::ValueId out : g.outputs()) read_outside[out] = true;
  for (int i : nodes) {
    for (ir::ValueId out : g.node(i).outputs) {
      if (read_outside[out]) sg.AddOutput(map[out]);
    }
  }
  return sub;
}

absl::StatusOr<Compiled> CompileWithPartitions(const ir::Module& module, const hw::HardwareDescription& hwd,
                                               const CompileOptions& options, const PartitionOptions& popt) {
  std::optional<partition::Objective> objective = partition::ObjectiveFromName(popt.objective);
  if (!objective.has_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--objective must be latency, throughput, energy or edp, got '", popt.objective, "'"));
  }
  std::string method = popt.method;
  if (method == "none") return Compile(module, hwd, options);
  if (method == "auto") {
    absl::StatusOr<Compiled> whole = Compile(module, hwd, options);
    if (whole.ok() || whole.status().code() != absl::StatusCode::kResourceExhausted) return whole;
    method = "ga";  // COMPASS's optimiser
  }
  std::optional<partition::Method> m = partition::MethodFromName(method);
  if (!m.has_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--partition must be auto, none, greedy, layerwise, ga or dp, got '", popt.method, "'"));
  }
  const int64_t batch = options.batch > 0 ? options.batch : (options.schedule == "throughput" ? 16 : 1);
  IMCC_ASSIGN_OR_RETURN(std::unique_ptr<PartitionModel> model, MakePartitionModel(module, hwd, batch));
  const std::vector<MvmLayer> layers = ExtractMvmLayers(module);
  if (model->num_units != static_cast<int>(layers.size())) {
    for (size_t u = 0; u < model->names.size(); ++u) {
      if (model->names[u].find('#') != std::string::npos) {
        return absl::UnimplementedError(absl::StrCat(
            "layer '", model->names[u].substr(0, model->names[u].find('#')),
            "' alone needs more crossbars than the chip has; splitting a layer across partitions is not compiled "
            "yet"));
      }
    }
  }
  IMCC_ASSIGN_OR_RETURN(partition::Partition part,
                        partition::PartitionUnits(model->num_units, model->cost, *m, *objective));
  // Every node goes with the latest layer at or before it.
  const ir::Graph& g = module.graph();
  std::vector<int> segment_of_layer(layers.size());
  for (size_t k = 0; k < part.starts.size(); ++k) {
    const int end = k + 1 < part.starts.size() ? part.starts[k + 1] : model->num_units;
    for (int u = part.starts[k]; u < end; ++u) segment_of_layer[u] = static_cast<int>(k);
  }
  std::vector<std::vector<int>> nodes(part.starts.size());
  {
    size_t next_layer = 0;
    int seg = 0;
    for (int i = 0; i < g.num_nodes(); ++i) {
      if (next_layer < layers.size() && layers[next_layer].node == i) seg = segment_of_layer[next_layer++];
      nodes[seg].push_back(i);
    }
  }
  Compiled out;
  Program& prog = out.program;
  const hw::Chip& chip = hwd.chip();
  const hw::Array& arr = chip.core().array();
  hw::sim::Simulation& sim = out.simulation;
  const int writer = sim.AddResource({"weight-write", "dram", 1, 0});
  std::vector<int> prev_sinks;
  for (size_t k = 0; k < nodes.size(); ++k) {
    IMCC_ASSIGN_OR_RETURN(ir::Module sub, ExtractSubModule(module, nodes[k], absl::StrCat(module.name(), ".p", k)));
    absl::StatusOr<Compiled> c = Compile(sub, hwd, options);
    if (!c.ok()) return absl::Status(c.status().code(), absl::StrCat("partition ", k, ": ", c.status().message()));
    // Weight replacement: the segment's weights from DRAM once, every
    // replica's arrays written (rows in parallel across arrays).
    double bytes = 0, rows = 0;
    int64_t max_rows = 0;
    for (const MvmLayer& l : ExtractMvmLayers(sub)) {
      bytes += static_cast<double>(l.rows) * l.cols * l.groups * arr.weight_bits() / 8.0;
    }
    for (const StageMapping& s : c->program.stages()) {
      const int64_t r = arr.rows();  // every row of an allocated array is programmed
      rows += static_cast<double>(s.replicas()) * s.arrays_per_replica() * r;
      max_rows = std::max(max_rows, r);
    }
    const hw::Cost load = hw::DramStreamCost(chip.external_memory(), static_cast<int64_t>(bytes));
    const double write_ns = std::max(load.latency_ns, max_rows * arr.write_latency_ns_per_row());
    const double write_pj = load.energy_pj + rows * arr.write_energy_pj_per_row();
    const int write = sim.AddTask(writer, write_ns, write_pj, -1, absl::StrCat("write weights p", k));
    for (int t : prev_sinks) sim.AddDependency(t, write);
    const int base = sim.Append(c->simulation);
    for (int t : c->simulation.RootTasks()) sim.AddDependency(write, t + base);
    prev_sinks.clear();
    for (int t : c->simulation.SinkTasks()) prev_sinks.push_back(t + base);
    Instruction* w = prog.add_instructions();
    w->set_id(write);
    w->set_op(OPCODE_WRITE_XB);
    w->set_count(static_cast<int64_t>(rows));
    w->set_bytes(static_cast<int64_t>(bytes));
    w->set_detail(absl::StrCat("partition ", k));
    w->set_chunk(0);
    w->set_peer_core(-1);
    for (Instruction ins : c->program.instructions()) {
      ins.set_id(ins.id() + base);
      for (int d = 0; d < ins.deps_size(); ++d) ins.set_deps(d, ins.deps(d) + base);
      if (ins.deps_size() == 0) ins.add_deps(write);
      *prog.add_instructions() = std::move(ins);
    }
    for (const StageMapping& s : c->program.stages()) *prog.add_stages() = s;
    prog.add_partition_first_stage(c->program.stages_size() > 0 ? c->program.stages(0).name() : "");
    prog.set_crossbars_used(std::max(prog.crossbars_used(), c->program.crossbars_used()));
    prog.set_crossbars_total(c->program.crossbars_total());
    prog.set_weight_write_bytes(prog.weight_write_bytes() + bytes);
    prog.set_weight_replacement_ns(prog.weight_replacement_ns() + write_ns);
    prog.set_noc_byte_hops(prog.noc_byte_hops() + c->program.noc_byte_hops());
    prog.set_placement(c->program.placement());
    prog.set_granularity(c->program.granularity());
    out.sample_done.clear();
    for (int t : c->sample_done) out.sample_done.push_back(t + base);
  }
  prog.set_target(hwd.name());
  prog.set_model(module.name());
  prog.set_schedule(options.schedule);
  prog.set_replication(std::string(StrategyName(options.replication)));
  prog.set_batch(batch);
  prog.set_partitions(static_cast<int>(nodes.size()));
  prog.set_partition_method(method);
  return out;
}

}  // namespace imcc::crossbar
