#include "ir/op.h"

#include <algorithm>
#include <array>

namespace imcc::ir {
namespace {

constexpr std::array<OpInfo, kNumOps> kOpTable = {{
#define IMCC_OP(kEnum, name, min_in, max_in, num_out, rule, summary) \
  {Op::kEnum, name, min_in, max_in, num_out, #rule, summary},
#include "ir/ops.def"
#undef IMCC_OP
}};

}  // namespace

const OpInfo& GetOpInfo(Op op) { return kOpTable[static_cast<int>(op)]; }

absl::string_view OpName(Op op) { return GetOpInfo(op).name; }

std::optional<Op> OpFromName(absl::string_view name) {
  // The table is sorted by name (ops_test checks), so binary search.
  auto it = std::lower_bound(
      kOpTable.begin(), kOpTable.end(), name,
      [](const OpInfo& info, absl::string_view n) { return info.name < n; });
  if (it == kOpTable.end() || it->name != name) return std::nullopt;
  return it->op;
}

}  // namespace imcc::ir
