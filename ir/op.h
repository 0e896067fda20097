// The opcode enum and its table-driven properties (name, arity, summary),
// generated from ops.def. Attribute schemas are in attribute.h; type rules in
// shape_inference.h.
#ifndef IMCC_IR_OP_H_
#define IMCC_IR_OP_H_

#include <optional>

#include "absl/strings/string_view.h"

namespace imcc::ir {

enum class Op : int {
#define IMCC_OP(kEnum, name, min_in, max_in, num_out, rule, summary) kEnum,
#include "ir/ops.def"
#undef IMCC_OP
};

inline constexpr int kNumOps = 0
#define IMCC_OP(kEnum, name, min_in, max_in, num_out, rule, summary) +1
#include "ir/ops.def"
#undef IMCC_OP
    ;

struct OpInfo {
  Op op;
  absl::string_view name;     // "dialect.name"
  int min_inputs;
  int max_inputs;             // -1: variadic
  int num_outputs;            // -1: variadic
  absl::string_view rule;     // type-inference family
  absl::string_view summary;
};

// Returns the table row of `op`. Never fails for a valid enumerator.
const OpInfo& GetOpInfo(Op op);

// Returns the printable name of `op`, e.g. "nn.conv".
absl::string_view OpName(Op op);

// Returns the op called `name`, or nullopt when the table has no such op.
std::optional<Op> OpFromName(absl::string_view name);

}  // namespace imcc::ir

#endif  // IMCC_IR_OP_H_
