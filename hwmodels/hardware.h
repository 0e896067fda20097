// Hardware descriptions: loading presets and files (text protos through a
// private descriptor pool, since the generated classes are lite), validation
// with field paths, and the --describe-target / --list-targets texts.
// Cost functions are in cost.h, the simulator in sim/.
#ifndef IMCC_HWMODELS_HARDWARE_H_
#define IMCC_HWMODELS_HARDWARE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hwmodels/proto/hardware.pb.h"

namespace imcc::hw {

// Returns the description in text-proto `text`. InvalidArgument
// "<filename>:<line>:<col>: <what>" for a syntax error or an unknown field.
// Not validated.
absl::StatusOr<HardwareDescription> ParseHardwareText(absl::string_view text,
                                                      absl::string_view filename);

// Returns the validated preset called `name_or_path`, or the validated
// description in that file (text proto) if it names an existing file.
// NotFound lists the preset names.
absl::StatusOr<HardwareDescription> LoadTarget(const std::string& name_or_path);

// Names of the built-in presets, sorted.
std::vector<std::string> PresetNames();

// Returns the text of preset `name` (with its source comments), or NotFound.
absl::StatusOr<std::string> PresetText(absl::string_view name);

struct ValidationResult {
  absl::Status status;                 // InvalidArgument naming a field path
  std::vector<std::string> warnings;   // "chip.core.array.adc_bits: ..."
};

// Checks `hw`: required fields per family, ranges, non-negative finite
// numbers, and contradictions. Errors read "chip.core.array.rows: must be
// > 0, got 0". An ADC narrower than a lossless conversion needs is an error
// when the preset sets expect_lossless_adc, else a warning.
ValidationResult ValidateHardware(const HardwareDescription& hw);

// Bits an ADC needs to convert one activation of `array` without loss:
// ceil(log2(active_rows * (2^cell_bits - 1) * (2^dac_bits - 1) + 1)).
int LosslessAdcBits(const Array& array);

// Returns every field of the schema with its value and its documentation
// comment (meaning and unit), nested by tier.
std::string DescribeTarget(const HardwareDescription& hw);

// Returns one line per preset: name, family, description.
std::string ListTargets();

}  // namespace imcc::hw

#endif  // IMCC_HWMODELS_HARDWARE_H_
