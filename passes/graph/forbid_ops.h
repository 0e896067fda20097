// Fails if the module still contains any of the listed ops: a legality check
// that backends put after their lowering ("everything left is supported").
// Pipeline name: "forbid-ops"; option ops=<op>[,<op>...] (ops.def names).
// Requires: nothing. Preserves: everything (never changes the IR).
//
//   forbid-ops{ops=nn.gelu} on   %y = nn.gelu(%x) ... @g
//   -> Unimplemented: "node 'g' has forbidden op nn.gelu"
#ifndef IMCC_PASSES_GRAPH_FORBID_OPS_H_
#define IMCC_PASSES_GRAPH_FORBID_OPS_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "ir/op.h"
#include "passes/manager/pass.h"

namespace imcc::passes {

// NotFound if `ops` names an op that does not exist.
absl::StatusOr<std::unique_ptr<Pass>> CreateForbidOpsPass(const std::string& ops);

}  // namespace imcc::passes

#endif  // IMCC_PASSES_GRAPH_FORBID_OPS_H_
