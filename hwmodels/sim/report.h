// Turns a simulation result into the imcc.hw.Report (report.json) and a
// Chrome-trace / Perfetto timeline (trace.json). Output is deterministic:
// fixed key order and shortest round-trip number formatting.
#ifndef IMCC_HWMODELS_SIM_REPORT_H_
#define IMCC_HWMODELS_SIM_REPORT_H_

#include <string>

#include "hwmodels/proto/report.pb.h"
#include "hwmodels/sim/engine.h"

namespace imcc::hw::sim {

// Returns the report of `result`; throughput = samples per makespan.
Report MakeReport(const Simulation& sim, const Result& result, const std::string& target,
                  const std::string& model, int64_t samples);

// Returns `report` as JSON (two-space indented, keys in proto field order).
std::string ReportToJson(const Report& report);

// Returns the Chrome trace-event JSON: one complete ("X") event per task on
// the thread of its resource, times in microseconds, plus thread names.
// Opens in chrome://tracing and ui.perfetto.dev.
std::string TraceJson(const Simulation& sim, const Result& result);

}  // namespace imcc::hw::sim

#endif  // IMCC_HWMODELS_SIM_REPORT_H_
