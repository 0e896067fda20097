// The crossbar backend's functional mode: quantises a model for the
// target's weight and input precision (calibrated on real inputs), then
// executes it with every weight-stationary layer computed the way the
// crossbars compute it: weights bit-sliced over cells (offset-encoded, so
// cells hold non-negative values), inputs streamed bit-serially through
// DACs, column sums of each active row group converted by an ADC of the
// target's resolution (sums above 2^adc_bits - 1 saturate), shift-and-add
// across slices and row tiles, and the offset correction done digitally.
// With an ADC wide enough to be lossless the result equals the reference
// interpreter's quantised semantics bit for bit.
#ifndef IMCC_BACKENDS_CROSSBAR_FUNCTIONAL_H_
#define IMCC_BACKENDS_CROSSBAR_FUNCTIONAL_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "backends/crossbar/proto/program.pb.h"
#include "hwmodels/proto/hardware.pb.h"
#include "ir/interpreter.h"
#include "ir/module.h"

namespace imcc::crossbar {

// Returns `fp32` with the data input of every weight-stationary layer
// quantised per tensor (symmetric, array.input_bits) and its weight
// quantised per output channel (symmetric, array.weight_bits). Each range
// is the clip that minimises the squared quantisation error (searched over
// 1 to 0.3 times the largest magnitude) of, for inputs, the values seen
// when running `calibration` through the fp32 reference; inputs beyond it
// are clipped.
// FailedPrecondition for shape-only weights.
absl::StatusOr<ir::Module> QuantizeForCrossbar(const ir::Module& fp32,
                                               const std::vector<ir::HostTensor>& calibration,
                                               const hw::Array& array);

struct FunctionalResult {
  std::vector<ir::HostTensor> outputs;
  int64_t adc_conversions = 0;
  int64_t adc_saturations = 0;  // conversions that clipped
  int64_t exact_layers = 0;     // layer runs that took the exact integer path
  int64_t weight_writes = 0;    // WRITE_XBs executed (partitioned programs)
  int64_t weights_written = 0;  // weights they programmed
};

struct FunctionalOptions {
  // When the array's ADC is provably lossless (a row group's largest
  // possible column sum, active rows x (2^dac_bits - 1) x (2^cell_bits - 1),
  // fits 2^adc_bits - 1), every conversion is exact and the slice-by-slice
  // shift-add equals the integer dot product, so that product is computed
  // directly (the same bits, about in_slices x weight_slices times faster;
  // conversions are still counted). true forces the slice-by-slice model
  // anyway (tests compare the two).
  bool bit_level = false;
  // A partitioned program: its WRITE_XB instructions are executed in
  // order. The crossbars then hold only the latest partition's weights, a
  // layer reads its weights from them, and a layer whose weights are not
  // resident when it runs is a FailedPrecondition naming it.
  const Program* program = nullptr;
};

// Runs a module made by QuantizeForCrossbar with its layers on the
// bit-level crossbar model of `array`; other ops use the reference
// interpreter.
absl::StatusOr<FunctionalResult> RunOnCrossbars(const ir::Module& quantised, const hw::Array& array,
                                                const std::vector<ir::HostTensor>& inputs,
                                                const FunctionalOptions& options = {});

// Largest absolute difference between two output lists (real values).
double MaxAbsDiff(const std::vector<ir::HostTensor>& a, const std::vector<ir::HostTensor>& b);

}  // namespace imcc::crossbar

#endif  // IMCC_BACKENDS_CROSSBAR_FUNCTIONAL_H_
