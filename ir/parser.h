// Parses imcc's text IR (see printer.h for the format). Forward references
// are allowed so that a cyclic graph can be read and then rejected by the
// verifier with a precise message.
#ifndef IMCC_IR_PARSER_H_
#define IMCC_IR_PARSER_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ir/module.h"

namespace imcc::ir {

// Returns the module in `text`, or InvalidArgument "line L:C: <what>" for a
// syntax error, an unknown op or attribute, a duplicate or undefined name.
// The result is not verified; call VerifyModule.
absl::StatusOr<Module> ParseModule(absl::string_view text);

}  // namespace imcc::ir

#endif  // IMCC_IR_PARSER_H_
