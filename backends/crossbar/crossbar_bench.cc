// Figures for the crossbar backend (issue 4's must-show list):
//   1. compile time and peak memory per model and schedule (each compile in
//      a fresh child process, peak RSS from wait4);
//   2. which shape-only models compile on which preset at its native
//      granularity, both schedules;
//   3. replication strategies on one model and preset: throughput (and the
//      replication model's own figure), the gap to the lower bound;
// and for partitioning (issue 5):
//   4. {vgg16, resnet18, squeezenet} x compass-s/m/l x batch {1, 16}: ga and
//      dp against greedy and layerwise in the analytical model, with each
//      optimiser's run time;
//   5. the same compiled and simulated end to end (throughput over the
//      whole batch; EDP of the batch = all energy x makespan).
// Run: ./bazelw run -c opt //backends/crossbar:crossbar_bench
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "backends/crossbar/compiler.h"
#include "backends/crossbar/partition_cost.h"
#include "backends/crossbar/partitioned.h"
#include "passes/partition/partitioner.h"
#include "frontends/onnx/onnx_importer.h"
#include "hwmodels/hardware.h"
#include "passes/graph/register.h"
#include "passes/manager/pass_manager.h"

namespace imcc::crossbar {
namespace {

struct Outcome {
  bool ok = false;
  double compile_ms = 0;
  double latency_us = 0;
  double throughput = 0;
  double lower_bound_us = 0;
  double makespan_us = 0;
  double modelled_ns = 0;  // the replication model's bottleneck per sample
  std::string error;
};

absl::StatusOr<ir::Module> Load(const std::string& name) {
  absl::StatusOr<ir::Module> m = frontends::ImportOnnxFile("testdata/models/" + name + ".onnx");
  if (!m.ok()) return m;
  passes::PassRegistry r;
  (void)passes::RegisterGraphPasses(r);
  auto pm = passes::PassManager::Create(r, "imcc-default");
  if (!pm.ok()) return pm.status();
  absl::Status s = (*pm)->Run(*m).status();
  if (!s.ok()) return s;
  return m;
}

Outcome Run(const ir::Module& m, const std::string& target, const CompileOptions& o,
            const std::string& partition = "none", int* partitions = nullptr) {
  Outcome out;
  absl::StatusOr<hw::HardwareDescription> hwd = hw::LoadTarget(target);
  const auto t0 = std::chrono::steady_clock::now();
  absl::StatusOr<Compiled> c = CompileWithPartitions(m, *hwd, o, {partition, "throughput"});
  if (c.ok() && partitions != nullptr) *partitions = std::max(1, c->program.partitions());
  if (!c.ok()) {
    out.error = std::string(c.status().message());
    return out;
  }
  absl::StatusOr<hw::Report> r = SimulateProgram(*c, m, *hwd);
  out.compile_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  if (!r.ok()) {
    out.error = std::string(r.status().message());
    return out;
  }
  out.ok = true;
  out.latency_us = r->latency_ns() / 1e3;
  out.throughput = r->throughput_per_s();
  out.lower_bound_us = r->lower_bound_ns() / 1e3;
  for (const hw::Metric& mt : r->metrics()) {
    if (mt.name() == "makespan_ns") out.makespan_us = mt.value() / 1e3;
    if (mt.name() == "modelled_bottleneck_ns") out.modelled_ns = mt.value();
  }
  return out;
}

// Runs `fn` in a child process; returns its peak RSS in MB.
template <typename Fn>
double InChild(Fn fn, Outcome* outcome) {
  int fds[2];
  if (pipe(fds) != 0) return -1;
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    Outcome o = fn();
    const std::string line = absl::StrFormat("%d %.3f %.3f %.3f %.3f %.3f %s", o.ok, o.compile_ms, o.latency_us,
                                             o.throughput, o.lower_bound_us, o.makespan_us, o.error);
    (void)!write(fds[1], line.data(), line.size());
    _exit(0);
  }
  close(fds[1]);
  char buf[4096];
  const ssize_t n = read(fds[0], buf, sizeof(buf) - 1);
  close(fds[0]);
  int status = 0;
  struct rusage ru {};
  wait4(pid, &status, 0, &ru);
  if (n > 0) {
    buf[n] = '\0';
    int ok = 0, consumed = 0;
    std::sscanf(buf, "%d %lf %lf %lf %lf %lf %n", &ok, &outcome->compile_ms, &outcome->latency_us,
                &outcome->throughput, &outcome->lower_bound_us, &outcome->makespan_us, &consumed);
    outcome->ok = ok != 0;
    outcome->error = std::string(buf + consumed);
  }
  return ru.ru_maxrss / 1024.0;
}

}  // namespace
}  // namespace imcc::crossbar

int main() {
  using namespace imcc::crossbar;
  std::printf("== compile time (map + schedule + codegen + simulate; import is in onnx_importer_benchmark) and peak RSS of the whole process, pimcomp-default\n");
  std::printf("%-14s %-10s %10s %10s %12s %14s\n", "model", "schedule", "ms", "RSS MB", "latency us", "samples/s");
  for (const char* model : {"resnet18", "resnet50", "googlenet", "mobilenet_v2", "squeezenet1_0"}) {
    for (const char* sched : {"latency", "throughput"}) {
      Outcome o;
      const double rss = InChild(
          [&] {
            absl::StatusOr<imcc::ir::Module> m = Load(model);
            CompileOptions opt;
            opt.schedule = sched;
            if (!m.ok()) {
              Outcome e;
              e.error = std::string(m.status().message());
              return e;
            }
            return Run(*m, "pimcomp-default", opt);
          },
          &o);
      std::printf("%-14s %-10s %10.1f %10.1f %12.1f %14.1f %s\n", model, sched, o.compile_ms, rss, o.latency_us,
                  o.throughput, o.ok ? "" : o.error.c_str());
    }
  }
  std::printf("\n== which shape-only models compile where (native granularity; L = latency, T = throughput;\n"
              "   lower case: only with partitioning, --partition=auto)\n");
  const std::vector<std::string> targets = {"pimcomp-default", "isaac", "puma", "jia21", "jain21", "compass-l"};
  std::printf("%-14s", "model");
  for (const std::string& t : targets) std::printf(" %-16s", t.c_str());
  std::printf("\n");
  for (const char* model : {"alexnet", "bert_block", "googlenet", "mobilenet_v2", "resnet18", "resnet50",
                            "squeezenet1_0", "vgg16", "vit_b_16"}) {
    absl::StatusOr<imcc::ir::Module> m = Load(model);
    std::printf("%-14s", model);
    for (const std::string& t : targets) {
      std::string cell;
      for (const char* sched : {"latency", "throughput"}) {
        CompileOptions opt;
        opt.schedule = sched;
        opt.batch = 4;
        int parts = 0;
        Outcome o = m.ok() ? Run(*m, t, opt, "auto", &parts) : Outcome{};
        const bool partitioned = parts > 1;
        cell += o.ok ? (sched[0] == 'l' ? (partitioned ? "l " : "L ") : (partitioned ? "t " : "T "))
                     : (o.error.find("needs") != std::string::npos ? "- " : "E ");
      }
      std::printf(" %-16s", cell.c_str());
    }
    std::printf("\n");
  }
  std::printf("  (-: does not fit; E: another error)\n");
  std::printf("\n== replication strategies, throughput schedule, batch 64\n");
  for (const char* target : {"pimcomp-default", "isaac", "puma"}) {
    absl::StatusOr<imcc::ir::Module> m = Load("resnet18");
    std::printf("resnet18 on %s\n%-10s %14s %14s %16s %16s %10s\n", target, "strategy", "samples/s",
                "modelled /s", "makespan us", "lower bound us", "gap");
    for (const char* s : {"none", "uniform", "balance", "dp", "optimal"}) {
      CompileOptions opt;
      opt.schedule = "throughput";
      opt.replication = *StrategyFromName(s);
      opt.batch = 64;
      Outcome o = Run(*m, target, opt);
      std::printf("%-10s %14.1f %14.1f %16.1f %16.1f %9.2fx %s\n", s, o.throughput,
                  o.modelled_ns > 0 ? 1e9 / o.modelled_ns : 0, o.makespan_us, o.lower_bound_us,
                  o.lower_bound_us > 0 ? o.makespan_us / o.lower_bound_us : 0, o.ok ? "" : o.error.c_str());
    }
  }
  std::printf("\n== partitioning, analytical COMPASS model (what the optimisers see): throughput and EDP of ga and dp\n"
              "   relative to greedy and layerwise, objective throughput (time) and edp\n");
  std::printf("%-14s %-10s %5s %9s %9s %9s %9s %9s %8s %8s %8s %8s\n", "model", "target", "batch", "ga/greedy",
              "dp/greedy", "ga/layerw", "EDP g/ga", "ga/dp", "ga ms", "dp ms", "greedy", "layerw");
  namespace pt = imcc::partition;
  for (const char* model : {"vgg16", "resnet18", "squeezenet1_0"}) {
    absl::StatusOr<imcc::ir::Module> m = Load(model);
    for (const char* target : {"compass-s", "compass-m", "compass-l"}) {
      for (int64_t batch : {1, 16}) {
        auto pm = MakePartitionModel(*m, *imcc::hw::LoadTarget(target), batch);
        auto run = [&](pt::Method method, pt::Objective o, double* ms) {
          const auto t0 = std::chrono::steady_clock::now();
          auto r = pt::PartitionUnits((*pm)->num_units, (*pm)->cost, method, o);
          if (ms) *ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
          return r;
        };
        // Each optimiser timed on a fresh cost model (no shared cache).
        double ga_ms = 0, dp_ms = 0, greedy_ms = 0, layerwise_ms = 0;
        auto greedy = run(pt::Method::kGreedy, pt::Objective::kThroughput, &greedy_ms);
        pm = MakePartitionModel(*m, *imcc::hw::LoadTarget(target), batch);
        auto layerwise = run(pt::Method::kLayerwise, pt::Objective::kThroughput, &layerwise_ms);
        pm = MakePartitionModel(*m, *imcc::hw::LoadTarget(target), batch);
        auto dp = run(pt::Method::kDp, pt::Objective::kThroughput, &dp_ms);
        pm = MakePartitionModel(*m, *imcc::hw::LoadTarget(target), batch);
        auto ga = run(pt::Method::kGa, pt::Objective::kThroughput, &ga_ms);
        auto greedy_e = run(pt::Method::kGreedy, pt::Objective::kEdp, nullptr);
        auto ga_e = run(pt::Method::kGa, pt::Objective::kEdp, nullptr);
        if (!greedy.ok() || !ga.ok() || !dp.ok() || !layerwise.ok() || !greedy_e.ok() || !ga_e.ok()) {
          std::printf("%-14s %-10s %5ld   - (%s)\n", model, target, static_cast<long>(batch),
                      std::string((!greedy.ok() ? greedy.status() : ga.status()).message()).c_str());
          continue;
        }
        std::printf("%-14s %-10s %5ld %8.2fx %8.2fx %8.2fx %8.2fx %8.3f %8.1f %8.1f %8.2f %8.2f\n", model, target,
                    static_cast<long>(batch), greedy->time_ns / ga->time_ns, greedy->time_ns / dp->time_ns,
                    layerwise->time_ns / ga->time_ns, greedy_e->objective / ga_e->objective,
                    ga->time_ns / dp->time_ns, ga_ms, dp_ms, greedy_ms, layerwise_ms);
      }
    }
  }
  std::printf("\n== partitioning, simulated (throughput schedule): samples/s and EDP of ga and dp vs greedy and layerwise\n");
  std::printf("%-14s %-10s %5s %10s %10s %10s %10s %9s %9s %9s %9s\n", "model", "target", "batch", "greedy/s", "ga/s",
              "dp/s", "layerw/s", "ga/greedy", "ga/layerw", "EDP g/ga", "ga/dp");
  for (const char* model : {"vgg16", "resnet18", "squeezenet1_0"}) {
    absl::StatusOr<imcc::ir::Module> m = Load(model);
    for (const char* target : {"compass-s", "compass-m", "compass-l"}) {
      const imcc::hw::HardwareDescription hwd = *imcc::hw::LoadTarget(target);
      for (int64_t batch : {1, 16}) {
        CompileOptions o;
        o.schedule = "throughput";
        o.batch = batch;
        std::map<std::string, imcc::hw::Report> rep;
        std::string error;
        for (const char* method : {"greedy", "layerwise", "dp", "ga"}) {
          for (const char* objective : {"throughput", "edp"}) {
            absl::StatusOr<Compiled> c = CompileWithPartitions(*m, hwd, o, {method, objective});
            if (!c.ok()) {
              error = std::string(c.status().message());
              continue;
            }
            absl::StatusOr<imcc::hw::Report> r = SimulateProgram(*c, *m, hwd);
            if (r.ok()) rep[std::string(method) + "/" + objective] = *r;
          }
        }
        if (rep.size() < 8) {
          std::printf("%-14s %-10s %5ld   - (%s)\n", model, target, static_cast<long>(batch), error.c_str());
          continue;
        }
        // Samples over the whole makespan for every method (a single
        // partition's report otherwise states steady state without fill).
        auto tp = [&](const char* k) {
          for (const imcc::hw::Metric& mt : rep[k].metrics()) {
            if (mt.name() == "makespan_ns") return batch * 1e9 / mt.value();
          }
          return 0.0;
        };
        // EDP of the batch, what the partitioner minimises: all the energy
        // times the makespan.
        auto edp = [&](const char* k) { return rep[k].energy_pj() * batch * 1e9 / tp(k); };
        std::printf("%-14s %-10s %5ld %10.1f %10.1f %10.1f %10.1f %8.2fx %8.2fx %8.2fx %8.3f\n", model, target,
                    static_cast<long>(batch), tp("greedy/throughput"), tp("ga/throughput"), tp("dp/throughput"),
                    tp("layerwise/throughput"), tp("ga/throughput") / tp("greedy/throughput"),
                    tp("ga/throughput") / tp("layerwise/throughput"), edp("greedy/edp") / edp("ga/edp"),
                    tp("ga/throughput") / tp("dp/throughput"));
      }
    }
  }
  return 0;
}
