#include "hwmodels/lower_bound.h"

#include <algorithm>

#include "hwmodels/cost.h"

namespace imcc::hw {

double PeakMacsPerNs(const HardwareDescription& hw) {
  const Chip& c = hw.chip();
  const Array& a = c.core().array();
  const int64_t wcols = WeightColumnsPerArray(a);
  const MvmShape s = MvmShapeOf(a, a.rows(), wcols);
  const double convert_ns =
      static_cast<double>((s.physical_cols + a.adcs_per_array() - 1) / a.adcs_per_array()) /
      a.adc_sample_rate_gsps();
  const double steady_ns = s.activations * std::max(a.read_latency_ns(), convert_ns);
  const double arrays = static_cast<double>(c.cores_x()) * c.cores_y() * c.core().arrays();
  return steady_ns > 0 ? arrays * a.rows() * wcols / steady_ns : 0;
}

WorkloadBound WorkloadLowerBound(const HardwareDescription& hw, const Workload& w) {
  WorkloadBound b;
  auto add = [&](const std::string& name, double num, double rate) {
    if (num <= 0 || rate <= 0) return;
    b.terms.push_back({name, num / rate});
  };
  if (hw.family() == FAMILY_NDP_DIMM) {
    const HeteroSystem& s = hw.system();
    add("gpu-compute", w.gpu_flops, s.gpu().fp16_tensor_tflops() * 1e3);
    add("gpu-memory", w.gpu_bytes, s.gpu().memory_bandwidth_gbps());
    add("pcie", w.pcie_bytes, s.link().bandwidth_gbps_per_direction());
    add("ndp-compute", w.ndp_flops, s.dimms().ndp().fp16_gflops() * s.dimms().count());
    add("ndp-memory", w.ndp_bytes, s.dimms().internal_bandwidth_gbps() * s.dimms().count());
  } else {
    const Chip& c = hw.chip();
    const double cores = static_cast<double>(c.cores_x()) * c.cores_y();
    add("compute", w.macs, PeakMacsPerNs(hw));
    const VectorUnit& v = c.core().vector_unit();
    add("vector", w.vector_elements,
        cores * v.width() * c.clock_mhz() / 1000.0 / std::max<uint32_t>(1, v.op_latency_cycles()));
    add("dram", w.dram_bytes, c.external_memory().bandwidth_gbps());
    add("global-buffer", w.global_buffer_bytes, c.global_buffer().bandwidth_gbps());
    // A bus carries one transfer at a time; a mesh at best one per link of
    // its bisection (cores_y links across the middle of the x dimension).
    const double links = c.noc().topology() == TOPOLOGY_BUS ? 1 : std::max<uint32_t>(1, c.cores_y());
    add("noc", w.noc_bytes, c.noc().link_bandwidth_gbps() * links);
  }
  for (const BoundTerm& t : b.terms) {
    if (t.ns > b.ns) {
      b.ns = t.ns;
      b.binding = t.name;
    }
  }
  return b;
}

}  // namespace imcc::hw
