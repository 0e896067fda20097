#include "passes/graph/forbid_ops.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace imcc::passes {
namespace {

class ForbidOpsPass : public Pass {
 public:
  explicit ForbidOpsPass(std::set<ir::Op> ops) : ops_(std::move(ops)) {}
  absl::string_view name() const override { return "forbid-ops"; }
  absl::StatusOr<PassResult> Run(ir::Module& module, AnalysisManager&) override {
    for (const ir::Node& n : module.graph().nodes()) {
      if (ops_.count(n.op)) {
        return absl::UnimplementedError(
            absl::StrCat("node '", n.name, "' has forbidden op ", ir::OpName(n.op)));
      }
    }
    return PassResult::Unchanged();
  }

 private:
  std::set<ir::Op> ops_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Pass>> CreateForbidOpsPass(const std::string& ops) {
  std::set<ir::Op> set;
  for (absl::string_view name : absl::StrSplit(ops, ',', absl::SkipEmpty())) {
    std::optional<ir::Op> op = ir::OpFromName(name);
    if (!op.has_value()) {
      return absl::NotFoundError(absl::StrCat("forbid-ops: unknown op '", name, "'"));
    }
    set.insert(*op);
  }
  return std::make_unique<ForbidOpsPass>(std::move(set));
}

}  // namespace imcc::passes
