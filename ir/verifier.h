// The IR verifier: structural checks, attribute schema, result types against
// shape inference, acyclicity and program order.
#ifndef IMCC_IR_VERIFIER_H_
#define IMCC_IR_VERIFIER_H_

#include "absl/status/status.h"
#include "ir/module.h"

namespace imcc::ir {

// Returns OK or InvalidArgument with one line naming the node or value and
// what is wrong, e.g. "node 'conv1' (nn.conv): result 0 declared f32[1,8,4,4],
// inferred f32[1,8,8,8]".
absl::Status VerifyModule(const Module& module);

}  // namespace imcc::ir

#endif  // IMCC_IR_VERIFIER_H_
