#include "passes/graph/register.h"

#include "ir/support/status_macros.h"
#include "passes/graph/canonicalize.h"
#include "passes/graph/dce.h"
#include "passes/graph/fill_weights.h"
#include "passes/graph/fold_batch_norm.h"
#include "passes/graph/forbid_ops.h"

namespace imcc::passes {
namespace {

PassInfo Info(std::string name, std::string summary, std::unique_ptr<Pass> (*create)(),
              bool reads_weights) {
  PassInfo info;
  info.name = std::move(name);
  info.summary = std::move(summary);
  info.reads_weights = reads_weights;
  info.provider = "graph";
  info.factory = [create](const PassOptions&) -> absl::StatusOr<std::unique_ptr<Pass>> {
    return create();
  };
  return info;
}

}  // namespace

absl::Status RegisterGraphPasses(PassRegistry& r) {
  IMCC_RETURN_IF_ERROR(r.RegisterPass(
      Info("canonicalize",
           "drop identities and no-op reshapes, fold reshape chains, sort topologically, remove "
           "dead code",
           &CreateCanonicalizePass, false)));
  IMCC_RETURN_IF_ERROR(
      r.RegisterPass(Info("dce", "remove unused nodes and weights", &CreateDcePass, false)));
  IMCC_RETURN_IF_ERROR(r.RegisterPass(Info(
      "fold-batch-norm", "fold inference batch normalisation into the preceding convolution",
      &CreateFoldBatchNormPass, true)));
  PassInfo forbid;
  forbid.name = "forbid-ops";
  forbid.summary = "fail if any of the listed ops remains (a legality check)";
  forbid.provider = "graph";
  forbid.options = {{"ops", OptionSpec::Type::kString, "", "comma-separated ops.def names", {}}};
  forbid.factory = [](const PassOptions& o) { return CreateForbidOpsPass(o.GetString("ops")); };
  IMCC_RETURN_IF_ERROR(r.RegisterPass(std::move(forbid)));
  PassInfo fill;
  fill.name = "fill-weights";
  fill.summary =
      "give shape-only weights seeded synthetic values (Kaiming-uniform), so weight-stripped models "
      "run functionally";
  fill.provider = "graph";
  fill.options = {{"seed", OptionSpec::Type::kInt, "1", "generator seed; the same seed gives the same weights", {}}};
  fill.factory = [](const PassOptions& o) -> absl::StatusOr<std::unique_ptr<Pass>> {
    return CreateFillWeightsPass(static_cast<uint64_t>(o.GetInt("seed")));
  };
  IMCC_RETURN_IF_ERROR(r.RegisterPass(std::move(fill)));
  // The extension points mark where backends insert their passes (DESIGN.md
  // data flow); until a backend registers, they expand to nothing.
  IMCC_RETURN_IF_ERROR(r.RegisterPipeline(
      {"imcc-default",
       "canonicalize,@after-import,fold-batch-norm,canonicalize,@before-partition,"
       "@after-partition,@before-mapping,@after-mapping,@before-codegen",
       "the default graph pipeline with every extension point", "graph"}));
  IMCC_RETURN_IF_ERROR(r.RegisterPipeline(
      {"imcc-o0", "@after-import,@before-partition,@after-partition,@before-mapping,"
                  "@after-mapping,@before-codegen",
       "no graph optimisation; extension points only", "graph"}));
  return absl::OkStatus();
}

}  // namespace imcc::passes
