// Prints a Module in imcc's text IR. The format round-trips exactly through
// parser.h (parse -> print -> parse gives a structurally equal module and the
// same text). Example:
//
//   module @tiny {
//     input %x : f32[1,4]
//     weight %w : f32[3,4]
//     %y = nn.gemm(%x, %w) {trans_b=1} : f32[1,3] @fc
//     output %y
//   }
#ifndef IMCC_IR_PRINTER_H_
#define IMCC_IR_PRINTER_H_

#include <string>

#include "absl/strings/string_view.h"
#include "ir/module.h"

namespace imcc::ir {

struct PrintOptions {
  // Print weight payloads as "<elided N bytes>" (not parseable) instead of
  // hex. For human-facing dumps of large models.
  bool elide_weight_data = false;
};

std::string PrintModule(const Module& module, const PrintOptions& options = {});

// Returns `name` bare if it is an identifier ([A-Za-z0-9_.]+), else quoted.
std::string QuoteName(absl::string_view name);

}  // namespace imcc::ir

#endif  // IMCC_IR_PRINTER_H_
