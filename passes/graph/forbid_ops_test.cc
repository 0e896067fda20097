#include "passes/graph/forbid_ops.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ir/parser.h"
#include "ir/support/status_matchers.h"
#include "passes/graph/register.h"
#include "passes/manager/test_util.h"

namespace imcc::passes {
namespace {

using ::imcc::testing::StatusIs;
using ::testing::HasSubstr;

constexpr absl::string_view kModule = R"(module @m {
  input %x : f32[2]
  %y = nn.gelu(%x) : f32[2] @g
  output %y
})";

TEST(ForbidOpsTest, FailsNamingTheNode) {
  IMCC_ASSERT_OK_AND_ASSIGN(ir::Module m, ir::ParseModule(kModule));
  PassRegistry r;
  IMCC_ASSERT_OK(RegisterGraphPasses(r));
  EXPECT_THAT(RunSinglePass(r, "forbid-ops{ops=nn.relu,nn.gelu}", m),
              StatusIs(absl::StatusCode::kUnimplemented, HasSubstr("node 'g' has forbidden op nn.gelu")));
}

TEST(ForbidOpsTest, PassesWhenAbsent) {
  IMCC_ASSERT_OK_AND_ASSIGN(ir::Module m, ir::ParseModule(kModule));
  PassRegistry r;
  IMCC_ASSERT_OK(RegisterGraphPasses(r));
  IMCC_ASSERT_OK_AND_ASSIGN(PassResult res, RunSinglePass(r, "forbid-ops{ops=nn.relu}", m));
  EXPECT_FALSE(res.changed);
}

TEST(ForbidOpsTest, UnknownOpIsNotFound) {
  PassRegistry r;
  IMCC_ASSERT_OK(RegisterGraphPasses(r));
  EXPECT_THAT(PassManager::Create(r, "forbid-ops{ops=nn.nope}"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("forbid-ops: unknown op 'nn.nope'")));
}

}  // namespace
}  // namespace imcc::passes
