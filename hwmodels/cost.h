// Shared cost primitives: latency and energy of one hardware operation,
// computed from a HardwareDescription. Backends build instruction timings
// from these; the simulator (sim/) adds contention and overlap. Every
// function is a closed formula, documented here and checked by hand in
// cost_test.cc.
#ifndef IMCC_HWMODELS_COST_H_
#define IMCC_HWMODELS_COST_H_

#include <cstdint>

#include "hwmodels/proto/hardware.pb.h"

namespace imcc::hw {

struct Cost {
  double latency_ns = 0;
  double energy_pj = 0;
};

// One matrix-vector product on one array with `rows` inputs (<= rows of the
// array) and `weight_cols` logical weight columns. The weight is bit-sliced
// over ceil(weight_bits / cell_bits) physical columns per logical column
// (must fit the array); the input streams in ceil(input_bits / dac_bits)
// slices; each slice drives ceil(rows / max_active_rows) row groups one
// after another. Each activation (slice x row group) takes
//   step = max(read_latency_ns, ceil(physical_cols / adcs_per_array) / adc_sample_rate_gsps)
// with read and conversion pipelined, so
//   latency = activations * step + min(read_latency_ns, conversion time)
//   energy  = input_slices * rows * dac_energy_pj
//           + activations * crossbar_read_energy_pj
//           + activations * physical_cols * (adc_energy_pj + shift_add_energy_pj)
struct MvmShape {
  int64_t activations = 0;     // input slices x row groups
  int64_t physical_cols = 0;
  int64_t input_slices = 0;
  int64_t row_groups = 0;
};
MvmShape MvmShapeOf(const Array& array, int64_t rows, int64_t weight_cols);
Cost MvmCost(const Array& array, int64_t rows, int64_t weight_cols);

// Logical weight columns one array holds: cols / ceil(weight_bits / cell_bits).
int64_t WeightColumnsPerArray(const Array& array);

// Programming `rows` rows of one array (weight replacement).
Cost ArrayWriteCost(const Array& array, int64_t rows);

// `elements` element-wise operations on a core's vector unit:
// ops = ceil(elements / width); latency = ops * op_latency_cycles / clock;
// energy = ops * energy_pj_per_op.
Cost VectorCost(const VectorUnit& unit, double clock_mhz, int64_t elements);

// A transfer of `bytes` over a channel: latency + bytes / bandwidth
// (GB/s = bytes per ns), energy = 8 * bytes * pj_per_bit.
Cost TransferCost(double bandwidth_gbps, double latency_ns, double pj_per_bit, int64_t bytes);

Cost BufferReadCost(const Buffer& buffer, int64_t bytes);
Cost BufferWriteCost(const Buffer& buffer, int64_t bytes);

// Streaming `bytes` to or from external memory. Without DDR timing: the
// plain TransferCost with latency_ns. With timing (open-page, rows of
// row_buffer_bytes interleaved over channels and banks): the first access
// pays tRCD + tCL; every row after the first needs an activation whose
// tRP + tRCD is hidden behind other banks' bursts unless the burst of one
// row is shorter than tRC, in which case the shortfall is exposed:
//   rows = ceil(bytes / row_buffer_bytes)
//   latency = (tRCD + tCL) * tCK + bytes / bandwidth
//           + (rows - 1) * max(0, tRC * tCK - row_buffer_bytes / bandwidth) / channels
Cost DramStreamCost(const ExternalMemory& memory, int64_t bytes);

// `accesses` independent accesses of `bytes_each` that each miss the row
// buffer (random access): each costs (tRP + tRCD + tCL) * tCK plus its
// burst; `channels` of them proceed in parallel.
Cost DramRandomCost(const ExternalMemory& memory, int64_t accesses, int64_t bytes_each);

// Routing distance in hops between cores a and b (row-major indices) on the
// chip's NoC: Manhattan distance on a mesh (on a CMESH, between routers of
// cores_per_router consecutive cores), 1 on a bus or crossbar, 0 for a == b.
int NocHops(const Chip& chip, int a, int b);

// A NoC transfer of `bytes` over `hops` hops (store-and-forward free,
// wormhole): latency = hops * hop_latency_ns + bytes / link_bandwidth;
// energy = 8 * bytes * hops * hop_energy_pj_per_bit.
Cost NocCost(const Noc& noc, int hops, int64_t bytes);

// Host <-> device over PCIe, one direction.
Cost PcieCost(const Link& link, int64_t bytes);

// A GPU kernel (roofline with launch overhead):
// latency = kernel_launch_ns + max(flops / fp16 tensor rate, bytes / bandwidth);
// energy = flops * energy_pj_per_flop + 8 * bytes * memory_energy_pj_per_bit.
Cost GpuKernelCost(const Gpu& gpu, double flops, double bytes);

// A GEMV of `rows` x `cols` FP16 weights streamed from one NDP-DIMM:
// latency = max(weight bytes / internal_bandwidth, 2 * rows * cols / ndp rate);
// energy = rows * cols * energy_pj_per_mac + 8 * bytes * dram_energy_pj_per_bit.
Cost NdpGemvCost(const NdpDimms& dimms, int64_t rows, int64_t cols);

}  // namespace imcc::hw

#endif  // IMCC_HWMODELS_COST_H_
