#include "hwmodels/sim/report.h"

#include <cmath>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace imcc::hw::sim {
namespace {

std::string Num(double v) {
  if (!std::isfinite(v)) return "null";
  for (int p = 1; p <= 17; ++p) {
    std::string s = absl::StrFormat("%.*g", p, v);
    if (std::strtod(s.c_str(), nullptr) == v) return s;
  }
  return absl::StrFormat("%.17g", v);
}

std::string Str(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      absl::StrAppendFormat(&out, "\\u%04x", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

}  // namespace

Report MakeReport(const Simulation& sim, const Result& r, const std::string& target,
                  const std::string& model, int64_t samples) {
  Report rep;
  rep.set_target(target);
  rep.set_model(model);
  rep.set_latency_ns(r.makespan_ns);
  rep.set_samples(samples);
  rep.set_throughput_per_s(r.makespan_ns > 0 ? samples * 1e9 / r.makespan_ns : 0);
  rep.set_dynamic_energy_pj(r.dynamic_energy_pj);
  rep.set_static_energy_pj(r.static_energy_pj);
  rep.set_energy_pj(r.dynamic_energy_pj + r.static_energy_pj);
  rep.set_edp_pj_ns(rep.energy_pj() * r.makespan_ns);
  rep.set_lower_bound_ns(r.lower_bound.ns);
  rep.set_lower_bound_binding(r.lower_bound.binding);
  rep.set_critical_path_ns(r.lower_bound.critical_path_ns);
  rep.set_tasks(sim.num_tasks());
  rep.set_events(r.events);
  for (size_t i = 0; i < sim.resources().size(); ++i) {
    ResourceUsage* u = rep.add_resources();
    u->set_name(sim.resources()[i].name);
    u->set_kind(sim.resources()[i].kind);
    u->set_capacity(sim.resources()[i].capacity);
    u->set_busy_ns(r.resources[i].busy_ns);
    u->set_utilisation(r.resources[i].utilisation);
    u->set_dynamic_energy_pj(r.resources[i].dynamic_energy_pj);
    u->set_static_energy_pj(r.resources[i].static_energy_pj);
  }
  for (const StorageStats& st : r.storages) {
    Metric* m = rep.add_metrics();
    m->set_name(absl::StrCat("peak_bytes/", st.name));
    m->set_value(static_cast<double>(st.peak_bytes));
  }
  for (const GroupStats& g : r.groups) {
    LayerBreakdown* l = rep.add_layers();
    l->set_name(g.name);
    l->set_start_ns(g.start_ns);
    l->set_end_ns(g.end_ns);
    l->set_busy_ns(g.busy_ns);
    l->set_energy_pj(g.energy_pj);
    l->set_tasks(g.tasks);
  }
  return rep;
}

std::string ReportToJson(const Report& r) {
  std::string o = "{\n";
  auto kv = [&](const std::string& k, const std::string& v, bool comma = true) {
    absl::StrAppend(&o, "  ", Str(k), ": ", v, comma ? ",\n" : "\n");
  };
  kv("target", Str(r.target()));
  kv("model", Str(r.model()));
  kv("latency_ns", Num(r.latency_ns()));
  kv("throughput_per_s", Num(r.throughput_per_s()));
  kv("energy_pj", Num(r.energy_pj()));
  kv("dynamic_energy_pj", Num(r.dynamic_energy_pj()));
  kv("static_energy_pj", Num(r.static_energy_pj()));
  kv("edp_pj_ns", Num(r.edp_pj_ns()));
  kv("lower_bound_ns", Num(r.lower_bound_ns()));
  kv("lower_bound_binding", Str(r.lower_bound_binding()));
  kv("critical_path_ns", Num(r.critical_path_ns()));
  kv("tasks", absl::StrCat(r.tasks()));
  kv("events", absl::StrCat(r.events()));
  kv("samples", absl::StrCat(r.samples()));
  for (const Metric& m : r.metrics()) kv(m.name(), Num(m.value()));
  o += "  \"resources\": [";
  for (int i = 0; i < r.resources_size(); ++i) {
    const ResourceUsage& u = r.resources(i);
    absl::StrAppend(&o, i ? ",\n" : "\n", "    {\"name\": ", Str(u.name()), ", \"kind\": ", Str(u.kind()),
                    ", \"capacity\": ", u.capacity(), ", \"busy_ns\": ", Num(u.busy_ns()),
                    ", \"utilisation\": ", Num(u.utilisation()), ", \"dynamic_energy_pj\": ",
                    Num(u.dynamic_energy_pj()), ", \"static_energy_pj\": ", Num(u.static_energy_pj()), "}");
  }
  o += r.resources_size() ? "\n  ],\n" : "],\n";
  o += "  \"layers\": [";
  for (int i = 0; i < r.layers_size(); ++i) {
    const LayerBreakdown& l = r.layers(i);
    absl::StrAppend(&o, i ? ",\n" : "\n", "    {\"name\": ", Str(l.name()), ", \"start_ns\": ",
                    Num(l.start_ns()), ", \"end_ns\": ", Num(l.end_ns()), ", \"busy_ns\": ",
                    Num(l.busy_ns()), ", \"energy_pj\": ", Num(l.energy_pj()), ", \"tasks\": ",
                    l.tasks(), "}");
  }
  o += r.layers_size() ? "\n  ]\n}\n" : "]\n}\n";
  return o;
}

std::string TraceJson(const Simulation& sim, const Result& r) {
  std::string o = "{\"displayTimeUnit\": \"ns\", \"traceEvents\": [\n";
  bool first = true;
  auto sep = [&]() {
    if (!first) o += ",\n";
    first = false;
  };
  for (size_t i = 0; i < sim.resources().size(); ++i) {
    sep();
    absl::StrAppend(&o, "{\"name\": \"thread_name\", \"ph\": \"M\", \"pid\": 0, \"tid\": ", i,
                    ", \"args\": {\"name\": ", Str(sim.resources()[i].name), "}}");
  }
  for (int t = 0; t < sim.num_tasks(); ++t) {
    sep();
    const int g = sim.group_of(t);
    absl::StrAppend(&o, "{\"name\": ", Str(sim.TaskName(t)), ", \"cat\": ",
                    Str(g >= 0 ? sim.groups()[g] : std::string("task")),
                    ", \"ph\": \"X\", \"pid\": 0, \"tid\": ", sim.resource_of(t),
                    ", \"ts\": ", Num(r.start_ns[t] / 1000.0), ", \"dur\": ",
                    Num(sim.duration_of(t) / 1000.0), "}");
  }
  o += "\n]}\n";
  return o;
}

}  // namespace imcc::hw::sim
