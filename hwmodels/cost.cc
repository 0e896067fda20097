#include "hwmodels/cost.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace imcc::hw {
namespace {

int64_t CeilDiv(int64_t a, int64_t b) { return b <= 0 ? 0 : (a + b - 1) / b; }

}  // namespace

int64_t WeightColumnsPerArray(const Array& a) {
  return a.cols() / std::max<int64_t>(1, CeilDiv(a.weight_bits(), a.cell_bits()));
}

MvmShape MvmShapeOf(const Array& a, int64_t rows, int64_t weight_cols) {
  MvmShape s;
  const int64_t active = a.max_active_rows() ? a.max_active_rows() : a.rows();
  s.input_slices = CeilDiv(a.input_bits(), a.dac_bits());
  s.row_groups = CeilDiv(rows, active);
  s.activations = s.input_slices * s.row_groups;
  s.physical_cols = weight_cols * CeilDiv(a.weight_bits(), a.cell_bits());
  return s;
}

Cost MvmCost(const Array& a, int64_t rows, int64_t weight_cols) {
  const MvmShape s = MvmShapeOf(a, rows, weight_cols);
  const double convert_ns =
      static_cast<double>(CeilDiv(s.physical_cols, a.adcs_per_array())) / a.adc_sample_rate_gsps();
  const double step = std::max(a.read_latency_ns(), convert_ns);
  Cost c;
  c.latency_ns = s.activations * step + std::min(a.read_latency_ns(), convert_ns);
  c.energy_pj = s.input_slices * rows * a.dac_energy_pj() +
                s.activations * a.crossbar_read_energy_pj() +
                s.activations * s.physical_cols * (a.adc_energy_pj() + a.shift_add_energy_pj());
  return c;
}

Cost ArrayWriteCost(const Array& a, int64_t rows) {
  return Cost{rows * a.write_latency_ns_per_row(), rows * a.write_energy_pj_per_row()};
}

Cost VectorCost(const VectorUnit& u, double clock_mhz, int64_t elements) {
  const int64_t ops = CeilDiv(elements, u.width());
  return Cost{ops * u.op_latency_cycles() * 1000.0 / clock_mhz, ops * u.energy_pj_per_op()};
}

Cost TransferCost(double bandwidth_gbps, double latency_ns, double pj_per_bit, int64_t bytes) {
  if (bytes <= 0) return Cost{};
  return Cost{latency_ns + bytes / bandwidth_gbps, 8.0 * bytes * pj_per_bit};
}

Cost BufferReadCost(const Buffer& b, int64_t bytes) {
  return TransferCost(b.bandwidth_gbps(), b.read_latency_ns(), b.read_energy_pj_per_bit(), bytes);
}

Cost BufferWriteCost(const Buffer& b, int64_t bytes) {
  return TransferCost(b.bandwidth_gbps(), b.write_latency_ns(), b.write_energy_pj_per_bit(), bytes);
}

Cost DramStreamCost(const ExternalMemory& m, int64_t bytes) {
  if (bytes <= 0) return Cost{};
  const Cost energy_only = TransferCost(m.bandwidth_gbps(), 0, m.energy_pj_per_bit(), bytes);
  if (!m.has_timing() || m.timing().tck_ns() <= 0 || m.timing().row_buffer_bytes() == 0) {
    return TransferCost(m.bandwidth_gbps(), m.latency_ns(), m.energy_pj_per_bit(), bytes);
  }
  const DramTiming& t = m.timing();
  const int64_t rows = CeilDiv(bytes, t.row_buffer_bytes());
  const double row_burst_ns = t.row_buffer_bytes() / m.bandwidth_gbps();
  const double exposed = std::max(0.0, t.trc_cycles() * t.tck_ns() - row_burst_ns);
  Cost c;
  c.latency_ns = (t.trcd_cycles() + t.tcl_cycles()) * t.tck_ns() + bytes / m.bandwidth_gbps() +
                 (rows - 1) * exposed / std::max<uint32_t>(1, m.channels());
  c.energy_pj = energy_only.energy_pj;
  return c;
}

Cost DramRandomCost(const ExternalMemory& m, int64_t accesses, int64_t bytes_each) {
  if (accesses <= 0) return Cost{};
  const DramTiming& t = m.timing();
  const double miss_ns = m.has_timing() && t.tck_ns() > 0
                             ? (t.trp_cycles() + t.trcd_cycles() + t.tcl_cycles()) * t.tck_ns()
                             : m.latency_ns();
  const double per_access = miss_ns + bytes_each / m.bandwidth_gbps();
  const int64_t waves = CeilDiv(accesses, std::max<uint32_t>(1, m.channels()));
  return Cost{waves * per_access, 8.0 * accesses * bytes_each * m.energy_pj_per_bit()};
}

int NocHops(const Chip& chip, int a, int b) {
  if (a == b) return 0;
  switch (chip.noc().topology()) {
    case TOPOLOGY_BUS:
    case TOPOLOGY_CROSSBAR:
      return 1;
    case TOPOLOGY_CMESH: {
      const int c = std::max<uint32_t>(1, chip.noc().cores_per_router());
      const int xa = (a % chip.cores_x()) / c, ya = a / chip.cores_x();
      const int xb = (b % chip.cores_x()) / c, yb = b / chip.cores_x();
      return std::max(1, std::abs(xa - xb) + std::abs(ya - yb));
    }
    default: {
      const int w = std::max<uint32_t>(1, chip.cores_x());
      return std::abs(a % w - b % w) + std::abs(a / w - b / w);
    }
  }
}

Cost NocCost(const Noc& noc, int hops, int64_t bytes) {
  if (hops <= 0 || bytes <= 0) return Cost{};
  return Cost{hops * noc.hop_latency_ns() + bytes / noc.link_bandwidth_gbps(),
              8.0 * bytes * hops * noc.hop_energy_pj_per_bit()};
}

Cost PcieCost(const Link& link, int64_t bytes) {
  return TransferCost(link.bandwidth_gbps_per_direction(), link.latency_ns(),
                      link.energy_pj_per_bit(), bytes);
}

Cost GpuKernelCost(const Gpu& gpu, double flops, double bytes) {
  const double compute_ns = flops / (gpu.fp16_tensor_tflops() * 1e3);  // TFLOP/s = 1e3 flop/ns
  const double memory_ns = bytes / gpu.memory_bandwidth_gbps();
  return Cost{gpu.kernel_launch_ns() + std::max(compute_ns, memory_ns),
              flops * gpu.energy_pj_per_flop() + 8.0 * bytes * gpu.memory_energy_pj_per_bit()};
}

Cost NdpGemvCost(const NdpDimms& d, int64_t rows, int64_t cols) {
  const double bytes = 2.0 * rows * cols;  // FP16 weights
  const double memory_ns = bytes / d.internal_bandwidth_gbps();
  const double compute_ns = 2.0 * rows * cols / d.ndp().fp16_gflops();  // GFLOP/s = flop/ns
  return Cost{std::max(memory_ns, compute_ns),
              rows * cols * d.ndp().energy_pj_per_mac() + 8.0 * bytes * d.dram_energy_pj_per_bit()};
}

}  // namespace imcc::hw
