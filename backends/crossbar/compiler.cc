#include "backends/crossbar/compiler.h"

#include <algorithm>
#include <map>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "backends/crossbar/layer_matrix.h"
#include "backends/crossbar/placement.h"
#include "hwmodels/cost.h"
#include "hwmodels/lower_bound.h"
#include "hwmodels/sim/report.h"
#include "ir/support/status_macros.h"
#include "passes/analysis/op_stats.h"

namespace imcc::crossbar {
namespace {

using hw::sim::Resource;
using hw::sim::Simulation;

int64_t CeilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

// Vector-unit work per output element of a non-MVM op (operations of one
// element each): a documented model, not a measurement.
double VectorWorkPerElement(const ir::Node& n, const ir::Graph& g) {
  switch (n.op) {
    case ir::Op::kMaxPool: case ir::Op::kAvgPool: {
      double k = 1;
      for (int64_t d : n.GetInts("kernel_shape")) k *= d;
      return k;
    }
    case ir::Op::kGlobalAvgPool: case ir::Op::kGlobalMaxPool: {
      const ir::Shape& in = g.value(n.inputs[0]).type.shape;
      double k = 1;
      for (size_t d = 2; d < in.size(); ++d) k *= in[d];
      return k;
    }
    case ir::Op::kSoftmax: case ir::Op::kLogSoftmax: return 4;  // max, exp, sum, divide
    case ir::Op::kLayerNorm: case ir::Op::kBatchNorm: return 5;
    case ir::Op::kGelu: case ir::Op::kErf: case ir::Op::kExp: case ir::Op::kTanh:
    case ir::Op::kSigmoid: case ir::Op::kSoftplus: return 4;     // table/polynomial
    case ir::Op::kMatMul: {                                       // activation x activation
      const ir::Shape& a = g.value(n.inputs[0]).type.shape;
      return static_cast<double>(a.back());                      // one MAC per K
    }
    case ir::Op::kReshape: case ir::Op::kFlatten: case ir::Op::kSqueeze:
    case ir::Op::kUnsqueeze: case ir::Op::kIdentity:
      return 0;  // a view: no data moves
    default:
      return 1;
  }
}

// Chunks (output rows) of a value for the element pipeline.
int64_t RowsOf(const ir::TensorType& t) {
  if (t.rank() == 4) return t.shape[2];
  if (t.rank() == 3) return t.shape[1];
  return 1;
}

bool IsWindow(ir::Op op) {
  return op == ir::Op::kConv || op == ir::Op::kMaxPool || op == ir::Op::kAvgPool;
}

bool RowPreserving(const ir::Node& n, const ir::Graph& g) {
  if (n.outputs.empty() || n.inputs.empty()) return false;
  const ir::TensorType& out = g.value(n.outputs[0]).type;
  const ir::TensorType& in = g.value(n.inputs[0]).type;
  if (out.rank() != in.rank() || RowsOf(out) != RowsOf(in) || RowsOf(out) == 1) return false;
  switch (n.op) {
    case ir::Op::kTranspose: case ir::Op::kReshape: case ir::Op::kSoftmax: case ir::Op::kLogSoftmax:
    case ir::Op::kLayerNorm: case ir::Op::kMatMul: case ir::Op::kReduceMean: case ir::Op::kReduceSum:
    case ir::Op::kReduceMax: case ir::Op::kReduceMin: case ir::Op::kSlice: case ir::Op::kGather:
      return false;  // conservative: these mix rows (or may)
    default:
      return true;
  }
}

struct Stage {
  int node = -1;
  bool mvm = false;
  MvmLayer layer;
  Tiling tiling;
  int64_t replicas = 1;
  double mvm_ns = 0, mvm_pj = 0;
  std::vector<int> cores;      // home core per replica
  std::vector<std::vector<int>> spans;  // per replica: every core its arrays are on
  int64_t chunks = 1;
  double vec_elements = 0;     // per sample (vector stages and partial sums)
  double out_bytes = 0;        // per sample
  std::vector<int> producers;  // stage indices
  bool reads_input = false;
};

}  // namespace

absl::StatusOr<Compiled> Compile(const ir::Module& module, const hw::HardwareDescription& hwd,
                                 const CompileOptions& opt) {
  if (hwd.family() != hw::FAMILY_CROSSBAR && hwd.family() != hw::FAMILY_DUAL_MODE) {
    return absl::InvalidArgumentError(absl::StrCat("target '", hwd.name(), "' is not a crossbar chip"));
  }
  if (opt.schedule != "latency" && opt.schedule != "throughput") {
    return absl::InvalidArgumentError(absl::StrCat("--schedule must be throughput or latency, got '", opt.schedule, "'"));
  }
  std::string gran = opt.granularity;
  if (gran.empty()) {
    gran = hwd.granularity() == hw::GRANULARITY_CORE       ? "core"
           : hwd.granularity() == hw::GRANULARITY_WORDLINE ? "wordline"
                                                           : "crossbar";
  }
  if (gran != "core" && gran != "crossbar" && gran != "wordline") {
    return absl::InvalidArgumentError(absl::StrCat("--granularity must be core, crossbar or wordline, got '", gran, "'"));
  }
  const bool throughput = opt.schedule == "throughput";
  const int64_t batch = opt.batch > 0 ? opt.batch : (throughput ? 16 : 1);
  const ir::Graph& g = module.graph();
  const hw::Chip& chip = hwd.chip();
  const hw::Array& arr = chip.core().array();
  const int cores = static_cast<int>(chip.cores_x() * chip.cores_y());
  const int64_t arrays_per_core = chip.core().arrays();
  const int64_t budget = static_cast<int64_t>(cores) * arrays_per_core;
  const double act_bytes = std::max(1.0, arr.input_bits() / 8.0);

  // Stages, one per node.
  std::vector<Stage> stages(g.num_nodes());
  std::map<int, MvmLayer> layer_of;
  for (const MvmLayer& l : ExtractMvmLayers(module)) layer_of[l.node] = l;
  std::vector<StageCost> costs;
  std::vector<int> mvm_stage_ids;
  for (int i = 0; i < g.num_nodes(); ++i) {
    const ir::Node& n = g.node(i);
    Stage& s = stages[i];
    s.node = i;
    const ir::TensorType& out = g.value(n.outputs[0]).type;
    s.out_bytes = 0;
    for (ir::ValueId o : n.outputs) s.out_bytes += g.value(o).type.num_elements() * act_bytes;
    s.chunks = throughput ? 1 : std::min<int64_t>(opt.max_chunks, std::max<int64_t>(1, RowsOf(out)));
    for (ir::ValueId in : n.inputs) {
      const ir::Value& v = g.value(in);
      if (v.kind == ir::ValueKind::kNodeResult) s.producers.push_back(v.producer);
      if (v.kind == ir::ValueKind::kInput) s.reads_input = true;
    }
    std::sort(s.producers.begin(), s.producers.end());
    s.producers.erase(std::unique(s.producers.begin(), s.producers.end()), s.producers.end());
    auto it = layer_of.find(i);
    if (it != layer_of.end()) {
      s.mvm = true;
      s.layer = it->second;
      s.tiling = TileLayer(s.layer, arr);
      const ArrayTile tile = TileOnArray(s.layer, s.tiling, arr);
      const hw::Cost c = hw::MvmCost(arr, tile.rows, tile.cols);
      s.mvm_ns = c.latency_ns;
      s.mvm_pj = c.energy_pj * s.tiling.arrays;
      // Partial sums of row tiles and bias are reduced on the vector unit.
      s.vec_elements = static_cast<double>(s.layer.mvms) * s.layer.cols * s.layer.groups *
                       std::max<int64_t>(0, s.tiling.row_tiles - 1 + (n.inputs.size() > 2 ? 1 : 0));
      // The replica's own core reduces its partial sums: part of its stage.
      const double reduce_ns =
          s.layer.mvms > 0
              ? hw::VectorCost(chip.core().vector_unit(), chip.clock_mhz(),
                               static_cast<int64_t>(s.vec_elements / s.layer.mvms))
                    .latency_ns
              : 0.0;
      costs.push_back({n.name, s.tiling.arrays, s.layer.mvms, s.mvm_ns, 0.0, arrays_per_core,
                       reduce_ns * s.layer.mvms});
      mvm_stage_ids.push_back(i);
    } else {
      s.vec_elements = static_cast<double>(out.num_elements()) * VectorWorkPerElement(n, g);
    }
  }
  // Vector stages run where their first producer's replicas are: attach
  // their per-sample work to that layer's stage cost.
  {
    std::map<int, size_t> cost_index;
    for (size_t k = 0; k < mvm_stage_ids.size(); ++k) cost_index[mvm_stage_ids[k]] = k;
    for (size_t i = 0; i < stages.size(); ++i) {
      if (stages[i].mvm) continue;
      int root = static_cast<int>(i);
      while (!stages[root].mvm && !stages[root].producers.empty()) root = stages[root].producers[0];
      if (!stages[root].mvm) continue;
      costs[cost_index[root]].vector_ns +=
          hw::VectorCost(chip.core().vector_unit(), chip.clock_mhz(), static_cast<int64_t>(stages[i].vec_elements))
              .latency_ns;
    }
  }
  // CIM-MLC's multi-tier mapping: layers own whole cores (so no two share
  // a vector unit, and spare crossbars in a layer's cores take replicas)
  // whenever one copy of every layer fits that way; otherwise replicas are
  // packed crossbar by crossbar.
  int64_t owned_cores = 0;
  for (const StageCost& c : costs) owned_cores += Footprint(c, 1, arrays_per_core) / arrays_per_core;
  const bool own_cores = owned_cores <= cores;
  IMCC_ASSIGN_OR_RETURN(Replication rep,
                        Replicate(costs, budget, opt.replication, own_cores ? arrays_per_core : 0,
                                  throughput ? SpareCrossbars::kLeaveEmpty : SpareCrossbars::kShortenStages));
  for (size_t k = 0; k < mvm_stage_ids.size(); ++k) stages[mvm_stage_ids[k]].replicas = rep.replicas[k];

  // Placement. Replicas' arrays are laid contiguously over logical cores
  // (a layer that owns cores starts on a fresh one); each replica's home is
  // the core of its first array and it spans every core its arrays are on.
  // Vector stages run on the vector units of the cores that hold their
  // first producer: one entry per replica (a core appears once per replica
  // it holds), as each replica post-processes its own outputs.
  std::vector<std::vector<int>> lhome(stages.size());
  std::vector<std::vector<std::vector<int>>> lspan(stages.size());
  {
    int64_t cursor = 0;
    auto core_at = [&](int64_t array) { return static_cast<int>(std::min<int64_t>(array / arrays_per_core, cores - 1)); };
    for (int id : mvm_stage_ids) {
      if (own_cores) cursor = CeilDiv(cursor, arrays_per_core) * arrays_per_core;
      for (int64_t r = 0; r < stages[id].replicas; ++r) {
        lhome[id].push_back(core_at(cursor));
        std::vector<int> span;
        const int64_t last = cursor + std::max<int64_t>(1, stages[id].tiling.arrays) - 1;
        for (int64_t a = cursor / arrays_per_core * arrays_per_core; a <= last; a += arrays_per_core) {
          span.push_back(core_at(a));
        }
        lspan[id].push_back(std::move(span));
        cursor += stages[id].tiling.arrays;
      }
    }
    for (size_t i = 0; i < stages.size(); ++i) {
      if (stages[i].mvm) continue;
      lhome[i] = !stages[i].producers.empty() && !lhome[stages[i].producers[0]].empty()
                     ? lhome[stages[i].producers[0]]
                     : std::vector<int>{0};
    }
  }
  // Each stage's results go to its first consumer's home core, unless the
  // consumer runs where they are (a vector stage on its producer's
  // replicas); a replica spanning several cores finishes its partial sums
  // as a ring reduce-scatter over them.
  std::vector<int> consumer(stages.size(), -1);
  for (size_t j = 0; j < stages.size(); ++j) {
    for (int p : stages[j].producers) {
      if (consumer[p] < 0) consumer[p] = static_cast<int>(j);
    }
  }
  const double psum_bytes = 4;  // 32-bit partial sums
  std::vector<Traffic> traffic;
  for (size_t i = 0; i < stages.size(); ++i) {
    const double share = 1.0 / static_cast<double>(lhome[i].size());
    if (consumer[i] >= 0 && lhome[consumer[i]] != lhome[i]) {
      for (int c : lhome[i]) traffic.push_back({c, lhome[consumer[i]][0], stages[i].out_bytes * share});
    }
    if (stages[i].mvm) {
      const double psums = static_cast<double>(stages[i].layer.mvms) * stages[i].layer.cols *
                           stages[i].layer.groups * psum_bytes * share;
      for (const std::vector<int>& sp : lspan[i]) {
        const double n = static_cast<double>(sp.size());
        for (size_t k = 0; k < sp.size() && sp.size() > 1; ++k) {
          traffic.push_back({sp[k], sp[(k + 1) % sp.size()], psums * (n - 1) / n});
        }
      }
    }
  }
  const CorePlacement placement = PlaceCores(chip, traffic);
  for (size_t i = 0; i < stages.size(); ++i) {
    for (int c : lhome[i]) stages[i].cores.push_back(placement.physical[c]);
    for (const std::vector<int>& span : lspan[i]) {
      std::vector<int> p;
      for (int c : span) p.push_back(placement.physical[c]);
      stages[i].spans.push_back(std::move(p));
    }
  }

  Compiled out;
  Program& prog = out.program;
  prog.set_target(hwd.name());
  prog.set_model(module.name());
  prog.set_schedule(opt.schedule);
  prog.set_granularity(gran);
  prog.set_replication(std::string(StrategyName(opt.replication)));
  prog.set_batch(batch);
  prog.set_crossbars_used(rep.arrays_used);
  prog.set_crossbars_total(budget);
  prog.set_placement(absl::StrCat(placement.method, own_cores ? ", layers own cores" : ", packed"));
  prog.set_noc_byte_hops(placement.byte_hops);
  prog.set_modelled_bottleneck_ns(rep.bottleneck_ns);
  prog.set_bottleneck_stage(rep.bottleneck_stage);

  // Resources.
  Simulation& sim = out.simulation;
  std::vector<int> core_res(cores, -1), vec_res(cores);
  for (int c = 0; c < cores; ++c) {
    vec_res[c] = sim.AddResource({absl::StrCat("core", c, "/vector"), "vector", 1, 0});
    if (gran == "core") {
      core_res[c] = sim.AddResource({absl::StrCat("core", c), "core", 1, chip.core().static_power_mw()});
    }
  }
  const int noc_slots = chip.noc().topology() == hw::TOPOLOGY_BUS
                            ? 1
                            : static_cast<int>(std::max<uint32_t>(1, std::min(chip.cores_x(), chip.cores_y())));
  const int noc = sim.AddResource({"noc", "noc-link", noc_slots, 0});
  // Router and wire delay: it adds latency but takes no link bandwidth
  // (flits are pipelined), so it runs on a resource that never queues.
  const int noc_wire = sim.AddResource({"noc-wire", "noc-latency", 1 << 30, 0});
  const int dram = sim.AddResource({"dram", "dram", static_cast<int>(std::max<uint32_t>(1, chip.external_memory().channels())), 0});
  std::vector<std::vector<int>> replica_res(stages.size());
  for (int id : mvm_stage_ids) {
    Stage& s = stages[id];
    StageMapping* m = prog.add_stages();
    m->set_name(g.node(id).name);
    m->set_op(std::string(ir::OpName(g.node(id).op)));
    m->set_arrays_per_replica(s.tiling.arrays);
    m->set_replicas(s.replicas);
    for (int c : s.cores) m->add_cores(c);
    m->set_row_tiles(s.tiling.row_tiles);
    m->set_col_tiles(s.tiling.col_tiles);
    m->set_mvms(s.layer.mvms);
    m->set_mvm_ns(s.mvm_ns);
    for (int64_t r = 0; r < s.replicas; ++r) {
      if (gran == "core") {
        replica_res[id].push_back(core_res[s.cores[r]]);
      } else {
        replica_res[id].push_back(sim.AddResource({absl::StrCat(g.node(id).name, "/replica", r), "array-group", 1,
                                                   arr.static_power_mw() * s.tiling.arrays}));
      }
    }
  }
  std::vector<int> group(stages.size());
  for (size_t i = 0; i < stages.size(); ++i) group[i] = sim.AddGroup(g.node(i).name);

  const hw::VectorUnit& vu = chip.core().vector_unit();
  auto add_instr = [&](int task, Opcode op, int core, int stage, int replica, int64_t count, int64_t bytes,
                       int peer, int chunk, const std::vector<int>& deps, const std::string& detail) {
    Instruction* ins = prog.add_instructions();
    ins->set_id(task);
    ins->set_op(op);
    ins->set_core(core);
    ins->set_stage(stage >= 0 ? g.node(stage).name : "");
    ins->set_replica(replica);
    ins->set_count(count);
    ins->set_bytes(bytes);
    ins->set_peer_core(peer);
    ins->set_chunk(chunk);
    ins->set_detail(detail);
    if (stage >= 0 && stages[stage].mvm) {
      ins->set_rows(stages[stage].layer.rows);
      ins->set_cols(stages[stage].layer.cols);
    }
    for (int d : deps) ins->add_deps(d);
    for (int d : deps) sim.AddDependency(d, task);
    if (throughput) sim.SetPriority(task, chunk);  // oldest sample first
  };
  const Opcode mvm_op = gran == "core" ? OPCODE_READ_CORE : gran == "wordline" ? OPCODE_READ_WL : OPCODE_MVMUL;
  // A NoC transfer: SEND holds a link for bytes / bandwidth, RECV at the
  // destination completes hops x hop latency later. Returns the RECV.
  auto send = [&](int from, int to, int64_t bytes, int stage, int replica, int unit, int dep,
                  const std::string& detail) {
    const int hops = std::max(1, hw::NocHops(chip, from, to));
    const hw::Cost x = hw::NocCost(chip.noc(), hops, bytes);
    const double wire_ns = hops * chip.noc().hop_latency_ns();
    const int link = sim.AddTask(noc, std::max(0.0, x.latency_ns - wire_ns), x.energy_pj, group[stage]);
    add_instr(link, OPCODE_SEND, from, stage, replica, 1, bytes, to, unit, {dep}, detail);
    const int recv = sim.AddTask(noc_wire, wire_ns, 0, group[stage]);
    add_instr(recv, OPCODE_RECV, to, stage, replica, 1, bytes, from, unit, {link}, detail);
    return recv;
  };
  const int64_t row_groups = CeilDiv(std::min<int64_t>(arr.rows(), arr.rows()),
                                     arr.max_active_rows() ? arr.max_active_rows() : arr.rows());

  // done[i][c]: the task(s) whose completion makes chunk c (or sample c in
  // throughput mode) of stage i available to consumers on its home core.
  const int64_t units = throughput ? batch : 1;
  for (int64_t b = 0; b < units; ++b) {
    std::vector<std::vector<int>> done(stages.size());
    // Input load.
    double in_bytes = 0;
    for (ir::ValueId in : g.inputs()) in_bytes += g.value(in).type.num_elements() * act_bytes;
    const hw::Cost ld = hw::DramStreamCost(chip.external_memory(), static_cast<int64_t>(in_bytes));
    const int load = sim.AddTask(dram, ld.latency_ns, ld.energy_pj, -1, "load input");
    add_instr(load, OPCODE_LD, stages.empty() || stages[0].cores.empty() ? 0 : stages[0].cores[0], -1, 0, 1,
              static_cast<int64_t>(in_bytes), -1, static_cast<int>(b), {}, "input");
    for (size_t i = 0; i < stages.size(); ++i) {
      Stage& s = stages[i];
      const ir::Node& n = g.node(i);
      const int64_t chunks = s.chunks;
      done[i].assign(chunks, -1);
      for (int64_t c = 0; c < chunks; ++c) {
        // Dependencies: producer chunks (through the NoC when on another core).
        std::vector<int> deps;
        if (s.reads_input) deps.push_back(load);
        for (int p : s.producers) {
          const int64_t pc = stages[p].chunks;
          int64_t lo = 0, hi = pc - 1;
          if (!throughput && pc > 1) {
            if (IsWindow(n.op) && g.value(n.inputs[0]).type.rank() == 4) {
              const int64_t in_rows = RowsOf(g.value(n.inputs[0]).type);
              const int64_t out_rows = RowsOf(g.value(n.outputs[0]).type);
              const std::vector<int64_t> st = n.GetInts("strides"), pads = n.GetInts("pads");
              const int64_t stride = st.empty() ? 1 : st[0], pad = pads.empty() ? 0 : pads[0];
              const int64_t k = n.op == ir::Op::kConv ? g.value(n.inputs[1]).type.shape[2]
                                                      : n.GetInts("kernel_shape")[0];
              const int64_t r0 = c * out_rows / chunks, r1 = (c + 1) * out_rows / chunks - 1;
              const int64_t first = std::clamp<int64_t>(r0 * stride - pad, 0, in_rows - 1);
              const int64_t last = std::clamp<int64_t>(r1 * stride - pad + k - 1, 0, in_rows - 1);
              lo = first * pc / in_rows;
              hi = last * pc / in_rows;
            } else if (RowPreserving(n, g)) {
              lo = c * pc / chunks;
              hi = std::max(lo, (c + 1) * pc / chunks - 1);
            }
          }
          for (int64_t q = lo; q <= hi; ++q) deps.push_back(done[p][q]);
        }
        std::sort(deps.begin(), deps.end());
        deps.erase(std::unique(deps.begin(), deps.end()), deps.end());
        // The chunk's output as pieces, each (task, core, fraction of the
        // output it holds).
        struct Piece {
          int task;
          int core;
          double fraction;
        };
        std::vector<Piece> pieces;
        const int unit = static_cast<int>(throughput ? b : c);
        if (s.mvm) {
          const int64_t mvms = s.layer.mvms * (c + 1) / chunks - s.layer.mvms * c / chunks;
          // Latency mode: chunk c on replica c % r. Throughput mode: the
          // sample's MVMs split over all replicas.
          const int64_t parts = throughput ? s.replicas : 1;
          for (int64_t k = 0; k < parts; ++k) {
            const int64_t r = throughput ? k : c % s.replicas;
            const int64_t share = throughput ? mvms * (k + 1) / parts - mvms * k / parts : mvms;
            if (share == 0) continue;
            const int t = sim.AddTask(replica_res[i][r], share * s.mvm_ns, share * s.mvm_pj, group[i]);
            add_instr(t, mvm_op, s.cores[r], static_cast<int>(i), static_cast<int>(r),
                      gran == "wordline" ? share * row_groups : share, 0, -1, unit, deps, "");
            const double fraction = mvms > 0 ? static_cast<double>(share) / mvms : 1.0;
            if (s.vec_elements <= 0) {
              pieces.push_back({t, s.cores[r], fraction});
              continue;
            }
            // Partial sums are reduced on the vector unit of the core that
            // holds the replica. A replica wider than a core reduces its own
            // row tiles' partial sums on every core it spans, then the
            // cores finish the sum as a ring reduce-scatter: each sends
            // (span - 1) / span of its partial sums to the next and adds
            // what it receives, ending with 1 / span of the outputs.
            const std::vector<int>& span = s.spans[r];
            const double ns = static_cast<double>(span.size());
            const double elems = s.vec_elements / chunks * fraction / ns;
            const hw::Cost v = hw::VectorCost(vu, chip.clock_mhz(), static_cast<int64_t>(elems));
            std::vector<int> local;
            for (int core : span) {
              const int rt = sim.AddTask(vec_res[core], v.latency_ns, v.energy_pj, group[i]);
              add_instr(rt, OPCODE_VEC, core, static_cast<int>(i), static_cast<int>(r), static_cast<int64_t>(elems),
                        0, -1, unit, {t}, "partial-sum reduction");
              local.push_back(rt);
            }
            if (span.size() == 1) {
              pieces.push_back({local[0], span[0], fraction});
              continue;
            }
            const double psums = static_cast<double>(share) * s.layer.cols * s.layer.groups;
            const int64_t bytes = static_cast<int64_t>(psums * psum_bytes * (ns - 1) / ns);
            const hw::Cost add = hw::VectorCost(vu, chip.clock_mhz(), static_cast<int64_t>(psums * (ns - 1) / ns));
            for (size_t k = 0; k < span.size(); ++k) {
              const int from = span[(k + span.size() - 1) % span.size()];
              const int st = send(from, span[k], bytes, static_cast<int>(i), static_cast<int>(r), unit,
                                  local[(k + span.size() - 1) % span.size()], "partial sums");
              const int at = sim.AddTask(vec_res[span[k]], add.latency_ns, add.energy_pj, group[i]);
              add_instr(at, OPCODE_VEC, span[k], static_cast<int>(i), static_cast<int>(r),
                        static_cast<int64_t>(psums * (ns - 1) / ns), 0, -1, unit, {st, local[k]},
                        "partial-sum reduce-scatter");
              pieces.push_back({at, span[k], fraction / ns});
            }
          }
        } else {
          // Latency mode: chunk c on the core of replica c mod r; throughput
          // mode: the sample's elements split over the stage's cores in
          // proportion to the replicas each holds.
          const int64_t ncores = static_cast<int64_t>(s.cores.size());
          std::vector<std::pair<int, int64_t>> shares;  // core, replicas on it
          if (throughput) {
            for (int core : s.cores) {
              if (!shares.empty() && shares.back().first == core) ++shares.back().second;
              else shares.push_back({core, 1});
            }
          } else {
            shares.push_back({s.cores[c % ncores], ncores});
          }
          for (const auto& [core, count] : shares) {
            const double fraction = static_cast<double>(count) / ncores;
            const double elems = s.vec_elements / chunks * fraction;
            const hw::Cost v = hw::VectorCost(vu, chip.clock_mhz(), static_cast<int64_t>(elems));
            const int t = sim.AddTask(vec_res[core], v.latency_ns, v.energy_pj, group[i]);
            add_instr(t, OPCODE_VEC, core, static_cast<int>(i), 0, static_cast<int64_t>(elems), 0, -1, unit, deps,
                      std::string(ir::OpName(n.op)));
            pieces.push_back({t, core, fraction});
          }
        }
        // Pieces on other cores than the consumer's home travel there.
        const int peer =
            consumer[i] >= 0 && stages[consumer[i]].cores != s.cores ? stages[consumer[i]].cores[0] : -1;
        std::vector<int> arrived;
        for (const Piece& pc : pieces) {
          if (peer < 0 || pc.core == peer) {
            arrived.push_back(pc.task);
            continue;
          }
          const int64_t bytes = static_cast<int64_t>(s.out_bytes / chunks * pc.fraction);
          arrived.push_back(send(pc.core, peer, bytes, static_cast<int>(i), 0, unit, pc.task, ""));
        }
        int last = arrived.empty() ? -1 : arrived.back();
        if (arrived.size() > 1) {
          // Joined where the consumer starts (a zero-time marker).
          const int home = peer >= 0 ? peer : s.cores[0];
          last = sim.AddTask(vec_res[home], 0, 0, group[i]);
          add_instr(last, OPCODE_VEC, home, static_cast<int>(i), 0, 0, 0, -1, unit, arrived, "join");
        }
        done[i][c] = last;
      }
    }
    // Output store.
    std::vector<int> deps;
    double out_bytes = 0;
    for (ir::ValueId o : g.outputs()) {
      out_bytes += g.value(o).type.num_elements() * act_bytes;
      const int p = g.value(o).producer;
      if (p >= 0) deps.insert(deps.end(), done[p].begin(), done[p].end());
    }
    const hw::Cost st = hw::DramStreamCost(chip.external_memory(), static_cast<int64_t>(out_bytes));
    const int store = sim.AddTask(dram, st.latency_ns, st.energy_pj, -1, "store output");
    add_instr(store, OPCODE_ST, 0, -1, 0, 1, static_cast<int64_t>(out_bytes), -1, static_cast<int>(b), deps, "output");
    out.sample_done.push_back(store);
  }
  return out;
}

absl::StatusOr<hw::Report> SimulateProgram(const Compiled& c, const ir::Module& module,
                                           const hw::HardwareDescription& hwd, hw::sim::Result* result_out) {
  IMCC_ASSIGN_OR_RETURN(hw::sim::Result r, c.simulation.Run());
  const Program& p = c.program;
  const int64_t samples = static_cast<int64_t>(c.sample_done.size());
  hw::Report rep = hw::sim::MakeReport(c.simulation, r, hwd.name(), module.name(), samples);
  // Latency: one sample's time through the chip (the first sample in
  // throughput mode); throughput: steady state between sample completions.
  const double first = r.end_ns[c.sample_done.front()];
  rep.set_latency_ns(p.schedule() == "latency" || p.partitions() > 1 ? r.makespan_ns : first);
  if (p.partitions() > 1) {
    // Partitions run one after another over the whole batch.
    rep.set_throughput_per_s(r.makespan_ns > 0 ? samples * 1e9 / r.makespan_ns : 0);
  } else if (samples > 1) {
    const double span = r.end_ns[c.sample_done.back()] - first;
    rep.set_throughput_per_s(span > 0 ? (samples - 1) * 1e9 / span : 0);
  } else {
    rep.set_throughput_per_s(r.makespan_ns > 0 ? 1e9 / r.makespan_ns : 0);
  }
  rep.set_edp_pj_ns(rep.energy_pj() / samples * rep.latency_ns());
  const double makespan = r.makespan_ns;
  // Analytical bound for the same work, against the simulator's own bound.
  passes::AnalysisManager am(module);
  hw::Workload w;
  w.macs = static_cast<double>(am.Get<passes::OpStatsAnalysis>().macs()) * samples;
  const hw::WorkloadBound wb = hw::WorkloadLowerBound(hwd, w);
  if (wb.ns > rep.lower_bound_ns()) {
    rep.set_lower_bound_ns(wb.ns);
    rep.set_lower_bound_binding(wb.binding);
  }
  auto metric = [&](const std::string& name, double v) {
    hw::Metric* m = rep.add_metrics();
    m->set_name(name);
    m->set_value(v);
  };
  metric("makespan_ns", makespan);
  metric("crossbars_used", static_cast<double>(p.crossbars_used()));
  metric("crossbars_total", static_cast<double>(p.crossbars_total()));
  double noc_bytes = 0, dram_bytes = 0;
  std::map<std::string, int64_t> by_op;
  for (const Instruction& ins : p.instructions()) {
    if (ins.op() == OPCODE_SEND) noc_bytes += ins.bytes();
    if (ins.op() == OPCODE_LD || ins.op() == OPCODE_ST || ins.op() == OPCODE_WRITE_XB) dram_bytes += ins.bytes();
    ++by_op[Opcode_Name(ins.op()).substr(7)];
  }
  metric("noc_bytes", noc_bytes);
  metric("dram_bytes", dram_bytes);
  metric("noc_byte_hops", p.noc_byte_hops());
  metric("modelled_bottleneck_ns", p.modelled_bottleneck_ns());
  metric("partitions", std::max(1, p.partitions()));
  metric("weight_write_bytes", p.weight_write_bytes());
  metric("weight_replacement_ns", p.weight_replacement_ns());
  for (const auto& [op, n] : by_op) metric(absl::StrCat("instructions/", op), static_cast<double>(n));
  if (result_out != nullptr) *result_out = std::move(r);
  return rep;
}

std::string ProgramToText(const Program& p) {
  std::string out = absl::StrFormat(
      "// imcc crossbar program: target %s, model %s\n// schedule %s, granularity %s, replication %s, "
      "batch %d, placement %s\n// crossbars %d of %d\n",
      p.target(), p.model(), p.schedule(), p.granularity(), p.replication(), p.batch(), p.placement(),
      p.crossbars_used(), p.crossbars_total());
  out += "mapping:\n";
  for (const StageMapping& s : p.stages()) {
    absl::StrAppendFormat(&out, "  %s %s: %d arrays x %d replicas (tiles %dx%d) on cores [%s], %d MVMs of %g ns\n",
                          s.op(), s.name(), s.arrays_per_replica(), s.replicas(), s.row_tiles(), s.col_tiles(),
                          absl::StrJoin(s.cores(), ","), s.mvms(), s.mvm_ns());
  }
  out += "instructions:\n";
  for (const Instruction& i : p.instructions()) {
    absl::StrAppendFormat(&out, "  %%%d = %s core=%d", i.id(), Opcode_Name(i.op()).substr(7), i.core());
    if (!i.stage().empty()) absl::StrAppend(&out, " stage=", i.stage());
    if (i.op() == OPCODE_MVMUL || i.op() == OPCODE_READ_CORE || i.op() == OPCODE_READ_WL) {
      absl::StrAppend(&out, " replica=", i.replica(), " rows=", i.rows(), " cols=", i.cols());
    }
    absl::StrAppend(&out, " count=", i.count());
    if (i.bytes()) absl::StrAppend(&out, " bytes=", i.bytes());
    if (i.peer_core() >= 0 && i.op() == OPCODE_SEND) absl::StrAppend(&out, " to=core", i.peer_core());
    if (i.peer_core() >= 0 && i.op() == OPCODE_RECV) absl::StrAppend(&out, " from=core", i.peer_core());
    absl::StrAppend(&out, " chunk=", i.chunk());
    if (!i.detail().empty()) absl::StrAppend(&out, " (", i.detail(), ")");
    if (i.deps_size()) {
      absl::StrAppend(&out, " after ",
                      absl::StrJoin(i.deps(), ",", [](std::string* o, int d) { absl::StrAppend(o, "%", d); }));
    }
    out += "\n";
  }
  return out;
}

std::string ProgramToMetaOps(const Program& p) {
  std::string out = absl::StrFormat("// meta-operators: target %s, granularity %s, schedule %s\n", p.target(),
                                    p.granularity(), p.schedule());
  // Instructions by chunk, keeping program order inside a chunk.
  std::map<int, std::vector<const Instruction*>> by_chunk;
  for (const Instruction& i : p.instructions()) by_chunk[i.chunk()].push_back(&i);
  const char* read = p.granularity() == "core" ? "read_core" : p.granularity() == "wordline" ? "read_wl" : "read_xb";
  for (const auto& [chunk, list] : by_chunk) {
    absl::StrAppend(&out, "flow chunk=", chunk, " {\n");
    size_t i = 0;
    while (i < list.size()) {
      const Instruction& ins = *list[i];
      const bool is_read = ins.op() == OPCODE_MVMUL || ins.op() == OPCODE_READ_CORE || ins.op() == OPCODE_READ_WL;
      if (is_read) {
        // Consecutive reads of one stage run in parallel on its replicas.
        absl::StrAppend(&out, "  parallel {\n");
        const std::string stage = ins.stage();
        while (i < list.size() && list[i]->stage() == stage &&
               (list[i]->op() == OPCODE_MVMUL || list[i]->op() == OPCODE_READ_CORE || list[i]->op() == OPCODE_READ_WL)) {
          absl::StrAppendFormat(&out, "    %s(core=%d, %s, replica=%d, rows=%d, cols=%d) x%d\n", read,
                                list[i]->core(), list[i]->stage(), list[i]->replica(), list[i]->rows(),
                                list[i]->cols(), list[i]->count());
          ++i;
        }
        absl::StrAppend(&out, "  }\n");
        continue;
      }
      switch (ins.op()) {
        case OPCODE_SEND:
          absl::StrAppendFormat(&out, "  mov(core%d -> core%d, %d bytes)  // %s\n", ins.core(), ins.peer_core(),
                                ins.bytes(), ins.stage());
          break;
        case OPCODE_RECV:
          break;  // the receiving end of the mov above
        case OPCODE_LD:
          absl::StrAppendFormat(&out, "  load(core%d, %d bytes)\n", ins.core(), ins.bytes());
          break;
        case OPCODE_ST:
          absl::StrAppendFormat(&out, "  store(core%d, %d bytes)\n", ins.core(), ins.bytes());
          break;
        default:
          absl::StrAppendFormat(&out, "  vec.%s(core=%d, %s, %d elements)\n",
                                ins.detail().empty() ? "op" : absl::StrReplaceAll(ins.detail(), {{" ", "_"}}),
                                ins.core(), ins.stage(), ins.count());
      }
      ++i;
    }
    absl::StrAppend(&out, "}\n");
  }
  return out;
}

}  // namespace imcc::crossbar
