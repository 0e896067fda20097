// The crossbar PIM compiler (PIMCOMP / CIM-MLC flow) behind the crossbar
// backend plugin: weight-stationary layers are tiled onto arrays and
// replicated (replication.h), replicas are placed on cores along the NoC,
// every IR node becomes stage tasks (MVMs on array replicas, everything
// else on vector units: nothing is dropped), NoC transfers join stages on
// different cores, and the schedule is either PIMCOMP's low-latency element
// pipeline (a stage chunk starts once the input rows it needs exist) or its
// high-throughput batch pipeline (layer-pipelined over a stream of
// samples). The result is a Program (pseudo-instructions with resource
// bindings and dependencies) and a Simulation of it.
#ifndef IMCC_BACKENDS_CROSSBAR_COMPILER_H_
#define IMCC_BACKENDS_CROSSBAR_COMPILER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "backends/crossbar/proto/program.pb.h"
#include "backends/crossbar/replication.h"
#include "hwmodels/proto/hardware.pb.h"
#include "hwmodels/proto/report.pb.h"
#include "hwmodels/sim/engine.h"
#include "ir/module.h"

namespace imcc::crossbar {

struct CompileOptions {
  std::string schedule = "latency";       // latency | throughput
  ReplicationStrategy replication = ReplicationStrategy::kBalance;
  std::string granularity;                // core | crossbar | wordline; "" = the target's
  int64_t batch = 0;                      // samples; 0 = 1 (latency) or 16 (throughput)
  int max_chunks = 64;                    // element-pipeline chunks per stage (output rows)
};

struct Compiled {
  Program program;
  hw::sim::Simulation simulation;
  std::vector<int> sample_done;  // per sample: the task that stores its output
  // The module the program computes when it differs from the input (layers
  // split for partitioning); the functional mode executes this one.
  std::shared_ptr<const ir::Module> executed;
};

// Compiles `module` for `hw` (a crossbar or dual-mode preset). Errors:
// InvalidArgument for a bad option, ResourceExhausted when the weights do
// not fit the crossbars ("needs N crossbars ..., the chip has M").
absl::StatusOr<Compiled> Compile(const ir::Module& module, const hw::HardwareDescription& hw,
                                 const CompileOptions& options);

// Simulates `compiled` and returns the report: latency (one sample's
// makespan in latency mode), steady-state throughput, energy, EDP, the
// lower bound (the larger of the simulator's and the analytical bound),
// utilisation, per-layer breakdown and metrics (crossbars_used,
// crossbars_total, noc_bytes, instructions by opcode).
absl::StatusOr<hw::Report> SimulateProgram(const Compiled& compiled, const ir::Module& module,
                                           const hw::HardwareDescription& hw,
                                           hw::sim::Result* result = nullptr);

// The readable text form of a program: one pseudo-instruction per line
// (PIMCOMP style), with resource bindings and dependencies.
std::string ProgramToText(const Program& program);

// The CIM-MLC-style meta-operator form of a program: per chunk (element-
// pipeline row or batch sample) a `flow { ... }` of its stages in order,
// each stage's reads grouped in `parallel { ... }` at the program's
// granularity (read_core / read_xb / read_wl), then its vector ops and
// `mov`s (NoC transfers).
std::string ProgramToMetaOps(const Program& program);

}  // namespace imcc::crossbar

#endif  // IMCC_BACKENDS_CROSSBAR_COMPILER_H_
