#include "backends/crossbar/partitioned.h"

#include <algorithm>
#include <map>
#include <memory>

#include "absl/strings/str_cat.h"
#include "backends/crossbar/layer_matrix.h"
#include "backends/crossbar/partition_cost.h"
#include "hwmodels/cost.h"
#include "ir/support/status_macros.h"
#include "passes/partition/partitioner.h"

namespace imcc::crossbar {

namespace {

// Copies values and nodes of `from` into `to`: weights keep their
// (shared) payload, any other value read before it is defined becomes a
// graph input of the same name, nodes keep names, ops and attributes.
class GraphCopier {
 public:
  GraphCopier(const ir::Graph& from, ir::Graph& to) : from_(from), to_(to) {}

  absl::StatusOr<ir::ValueId> Value(ir::ValueId id) {
    auto it = map_.find(id);
    if (it != map_.end()) return it->second;
    const ir::Value& v = from_.value(id);
    ir::ValueId nid;
    if (v.kind == ir::ValueKind::kWeight) {
      IMCC_ASSIGN_OR_RETURN(nid, to_.AddWeight(v.name, v.type, v.data));
    } else {
      IMCC_ASSIGN_OR_RETURN(nid, to_.AddInput(v.name, v.type));
    }
    map_[id] = nid;
    return nid;
  }

  absl::Status Node(int index) {
    const ir::Node& n = from_.node(index);
    std::vector<ir::ValueId> ins;
    for (ir::ValueId in : n.inputs) {
      IMCC_ASSIGN_OR_RETURN(ir::ValueId nid, Value(in));
      ins.push_back(nid);
    }
    std::vector<std::string> names;
    std::vector<ir::TensorType> types;
    for (ir::ValueId out : n.outputs) {
      names.push_back(from_.value(out).name);
      types.push_back(from_.value(out).type);
    }
    IMCC_ASSIGN_OR_RETURN(int idx, to_.AddNode(n.op, n.name, std::move(ins), names, types, n.attrs));
    for (size_t k = 0; k < n.outputs.size(); ++k) map_[n.outputs[k]] = to_.node(idx).outputs[k];
    return absl::OkStatus();
  }

  // Records that `from`'s value `id` is `to`'s value `nid`.
  void Bind(ir::ValueId id, ir::ValueId nid) { map_[id] = nid; }
  ir::ValueId Mapped(ir::ValueId id) const { return map_.at(id); }

 private:
  const ir::Graph& from_;
  ir::Graph& to_;
  std::map<ir::ValueId, ir::ValueId> map_;
};

}  // namespace

absl::StatusOr<ir::Module> ExtractSubModule(const ir::Module& m, const std::vector<int>& nodes,
                                            const std::string& name) {
  const ir::Graph& g = m.graph();
  ir::Module sub(name);
  ir::Graph& sg = sub.graph();
  std::vector<bool> inside(g.num_nodes(), false);
  for (int i : nodes) inside[i] = true;
  GraphCopier copy(g, sg);
  for (int i : nodes) IMCC_RETURN_IF_ERROR(copy.Node(i));
  // Outputs: produced inside, read outside or by the graph.
  std::vector<bool> read_outside(g.num_values(), false);
  for (int i = 0; i < g.num_nodes(); ++i) {
    if (inside[i]) continue;
    for (ir::ValueId in : g.node(i).inputs) read_outside[in] = true;
  }
  for (ir::ValueId out : g.outputs()) read_outside[out] = true;
  for (int i : nodes) {
    for (ir::ValueId out : g.node(i).outputs) {
      if (read_outside[out]) sg.AddOutput(copy.Mapped(out));
    }
  }
  return sub;
}

absl::StatusOr<ir::Module> SplitLayer(const ir::Module& module, int node, int col_parts, int row_parts) {
  const ir::Graph& g = module.graph();
  const ir::Node& n = g.node(node);
  const bool conv = n.op == ir::Op::kConv;
  const ir::Value& w = g.value(n.inputs[1]);
  // MatMul's weight is [K, N]: outputs on its axis 1 and the result's last
  // axis; conv's [Cout, Cin, k...] and gemm's (trans_b) [N, K] on axis 0 and
  // the result's axis 1.
  const bool matmul = n.op == ir::Op::kMatMul && w.type.rank() == 2;
  const bool plain_gemm = n.op == ir::Op::kGemm && n.GetInt("trans_b") != 0 && n.GetInt("trans_a") == 0 &&
                          n.GetFloat("alpha") == 1.0 && n.GetFloat("beta") == 1.0;
  if (!(conv && n.GetInt("group") == 1) && !plain_gemm && !matmul) {
    return absl::UnimplementedError(absl::StrCat(
        "layer '", n.name,
        "' alone needs more crossbars than the chip has and cannot be split (only group-1 convolutions, plain "
        "gemms with trans_b and matmuls with a 2-D weight split)"));
  }
  const int w_out_axis = matmul ? 1 : 0, w_red_axis = matmul ? 0 : 1;
  const int x_red_axis = matmul ? g.value(n.inputs[0]).type.rank() - 1 : 1;
  const int y_out_axis = matmul ? g.value(n.outputs[0]).type.rank() - 1 : 1;
  const int64_t outs = w.type.shape[w_out_axis], ins = w.type.shape[w_red_axis];
  int64_t inner = 1;  // kernel elements per (out, in) pair
  for (int d = 2; d < w.type.rank(); ++d) inner *= w.type.shape[d];
  col_parts = static_cast<int>(std::min<int64_t>(col_parts, outs));
  row_parts = static_cast<int>(std::min<int64_t>(row_parts, ins));
  const int width = ir::DTypeStorageBytes(w.type.dtype);
  const bool has_data = w.data != nullptr && !w.data->is_reference;
  ir::Module out(module.name());
  out.mutable_metadata() = module.metadata();
  ir::Graph& og = out.graph();
  GraphCopier copy(g, og);
  for (ir::ValueId in : g.inputs()) IMCC_RETURN_IF_ERROR(copy.Value(in).status());
  for (int i = 0; i < g.num_nodes(); ++i) {
    const ir::Node& src = g.node(i);
    if (i != node) {
      IMCC_RETURN_IF_ERROR(copy.Node(i));
      continue;
    }
    IMCC_ASSIGN_OR_RETURN(ir::ValueId x, copy.Value(src.inputs[0]));
    const ir::TensorType& xt = g.value(src.inputs[0]).type;
    const ir::TensorType& yt = g.value(src.outputs[0]).type;
    // Input slices along the reduction axis (channels / K), one per row part.
    std::vector<ir::ValueId> xs;
    for (int r = 0; r < row_parts; ++r) {
      const int64_t lo = ins * r / row_parts, hi = ins * (r + 1) / row_parts;
      if (row_parts == 1) {
        xs.push_back(x);
        break;
      }
      ir::TensorType st = xt;
      st.shape[x_red_axis] = hi - lo;
      IMCC_ASSIGN_OR_RETURN(int idx, og.AddNode(ir::Op::kSlice, absl::StrCat(src.name, "#in", r), {x},
                                                {og.UniqueName(absl::StrCat(g.value(src.inputs[0]).name, "#in", r))},
                                                {st},
                                                {{"starts", ir::Attribute(std::vector<int64_t>{lo})},
                                                 {"ends", ir::Attribute(std::vector<int64_t>{hi})},
                                                 {"axes", ir::Attribute(std::vector<int64_t>{x_red_axis})}}));
      xs.push_back(og.node(idx).outputs[0]);
    }
    std::vector<ir::ValueId> columns;
    for (int c = 0; c < col_parts; ++c) {
      const int64_t olo = outs * c / col_parts, ohi = outs * (c + 1) / col_parts;
      ir::TensorType pt = yt;
      pt.shape[y_out_axis] = ohi - olo;
      ir::ValueId acc = ir::kNoValue;
      for (int r = 0; r < row_parts; ++r) {
        const int64_t ilo = ins * r / row_parts, ihi = ins * (r + 1) / row_parts;
        ir::TensorType wt = w.type;
        wt.shape[w_out_axis] = ohi - olo;
        wt.shape[w_red_axis] = ihi - ilo;
        std::shared_ptr<const ir::WeightData> wd;
        if (has_data) {
          std::string bytes;
          if (matmul) {
            for (int64_t k = ilo; k < ihi; ++k) bytes += w.data->bytes.substr((k * outs + olo) * width, (ohi - olo) * width);
          } else {
            for (int64_t o = olo; o < ohi; ++o) {
              bytes += w.data->bytes.substr((o * ins + ilo) * inner * width, (ihi - ilo) * inner * width);
            }
          }
          wd = ir::MakeWeightData(std::move(bytes));
        }
        const std::string tag = absl::StrCat("#", c, "_", r);
        IMCC_ASSIGN_OR_RETURN(ir::ValueId wk, og.AddWeight(og.UniqueName(w.name + tag), wt, wd));
        std::vector<ir::ValueId> kin = {xs[r], wk};
        if (src.inputs.size() > 2 && r == 0) {
          const ir::Value& b = g.value(src.inputs[2]);
          if (b.kind != ir::ValueKind::kWeight || b.type.rank() != 1 || b.type.shape[0] != outs) {
            return absl::UnimplementedError(absl::StrCat("layer '", src.name, "': a bias that is not a per-output weight"));
          }
          ir::TensorType bt = b.type;
          bt.shape[0] = ohi - olo;
          std::shared_ptr<const ir::WeightData> bd;
          const int bw = ir::DTypeStorageBytes(b.type.dtype);
          if (b.data != nullptr && !b.data->is_reference) {
            bd = ir::MakeWeightData(b.data->bytes.substr(olo * bw, (ohi - olo) * bw));
          }
          IMCC_ASSIGN_OR_RETURN(ir::ValueId bk, og.AddWeight(og.UniqueName(b.name + tag), bt, bd));
          kin.push_back(bk);
        }
        IMCC_ASSIGN_OR_RETURN(int idx, og.AddNode(src.op, src.name + tag, std::move(kin),
                                                  {og.UniqueName(g.value(src.outputs[0]).name + tag)}, {pt},
                                                  src.attrs));
        const ir::ValueId part = og.node(idx).outputs[0];
        if (acc == ir::kNoValue) {
          acc = part;
        } else {
          IMCC_ASSIGN_OR_RETURN(int add, og.AddNode(ir::Op::kAdd, src.name + tag + "#sum", {acc, part},
                                                    {og.UniqueName(g.value(src.outputs[0]).name + tag + "#sum")}, {pt}));
          acc = og.node(add).outputs[0];
        }
      }
      columns.push_back(acc);
    }
    if (columns.size() == 1) {
      IMCC_ASSIGN_OR_RETURN(int id, og.AddNode(ir::Op::kIdentity, src.name + "#out", columns,
                                               {g.value(src.outputs[0]).name}, {yt}));
      copy.Bind(src.outputs[0], og.node(id).outputs[0]);
    } else {
      IMCC_ASSIGN_OR_RETURN(int cat, og.AddNode(ir::Op::kConcat, src.name + "#concat", columns,
                                                {g.value(src.outputs[0]).name}, {yt},
                                                {{"axis", ir::Attribute(static_cast<int64_t>(y_out_axis))}}));
      copy.Bind(src.outputs[0], og.node(cat).outputs[0]);
    }
  }
  for (ir::ValueId o : g.outputs()) og.AddOutput(copy.Mapped(o));
  og.EraseNodesAndCompact({});  // drops the original, now unread weights
  return out;
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
  // Layers larger than the chip are split first: the reduction axis into
  // row parts so that one column tile of a part fits, then the outputs
  // into column parts so that each (column, row) part fits.
  ir::Module split_module = module;
  {
    const hw::Array& arr = hwd.chip().core().array();
    const int64_t budget = static_cast<int64_t>(hwd.chip().cores_x()) * hwd.chip().cores_y() * hwd.chip().core().arrays();
    std::vector<std::pair<std::string, std::pair<int, int>>> splits;
    const int64_t wcols = hw::WeightColumnsPerArray(arr);
    for (const MvmLayer& l : ExtractMvmLayers(module)) {
      const Tiling t = TileLayer(l, arr);
      if (t.arrays <= budget) continue;
      if (l.groups != 1) {
        return absl::UnimplementedError(absl::StrCat("layer '", l.name,
                                                     "' alone needs more crossbars than the chip has and is grouped; "
                                                     "grouped layers are not split"));
      }
      // Reduction axis: input channels (conv) or K (gemm), `inner` rows each.
      const ir::Node& n = module.graph().node(l.node);
      const ir::Shape& ws = module.graph().value(n.inputs[1]).type.shape;
      const int64_t in_ch = n.op == ir::Op::kMatMul ? ws[0] : (ws.size() > 1 ? ws[1] : l.rows);
      const int64_t inner = l.rows / in_ch;
      int64_t row_parts = 1, tiles_per_part = 0;
      for (;; ++row_parts) {
        tiles_per_part = (((in_ch + row_parts - 1) / row_parts) * inner + arr.rows() - 1) / arr.rows();
        if (tiles_per_part <= budget || row_parts >= in_ch) break;
      }
      const int64_t col_tiles_per_part = std::max<int64_t>(1, budget / tiles_per_part);
      const int64_t col_parts = (l.cols + col_tiles_per_part * wcols - 1) / (col_tiles_per_part * wcols);
      splits.push_back({l.name, {static_cast<int>(col_parts), static_cast<int>(row_parts)}});
    }
    for (const auto& [name, parts] : splits) {
      const int node = split_module.graph().FindNode(name);
      if (node < 0) return absl::InternalError(absl::StrCat("layer '", name, "' vanished"));
      IMCC_ASSIGN_OR_RETURN(split_module, SplitLayer(split_module, node, parts.first, parts.second));
    }
  }
  const ir::Module& work = split_module;
  IMCC_ASSIGN_OR_RETURN(std::unique_ptr<PartitionModel> model, MakePartitionModel(work, hwd, batch));
  const std::vector<MvmLayer> layers = ExtractMvmLayers(work);
  if (model->num_units != static_cast<int>(layers.size())) {
    return absl::InternalError("a layer still exceeds the chip after splitting");
  }
  IMCC_ASSIGN_OR_RETURN(partition::Partition part,
                        partition::PartitionUnits(model->num_units, model->cost, *m, *objective));
  // Every node goes with the latest layer at or before it.
  const ir::Graph& g = work.graph();
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
    IMCC_ASSIGN_OR_RETURN(ir::Module sub, ExtractSubModule(work, nodes[k], absl::StrCat(module.name(), ".p", k)));
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
    for (const MvmLayer& l : ExtractMvmLayers(sub)) w->add_written_stages(l.name);
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
  out.executed = std::make_shared<const ir::Module>(work);
  prog.set_partition_method(method);
  return out;
}

}  // namespace imcc::crossbar
