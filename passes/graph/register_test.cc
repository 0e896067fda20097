#include "passes/graph/register.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ir/support/status_matchers.h"
#include "passes/manager/pass_manager.h"

namespace imcc::passes {
namespace {

using ::imcc::testing::StatusIs;

TEST(RegisterGraphPassesTest, EveryNamedPipelineRoundTripsAndInstantiates) {
  PassRegistry r;
  IMCC_ASSERT_OK(RegisterGraphPasses(r));
  ASSERT_FALSE(r.pipelines().empty());
  for (const auto& [name, def] : r.pipelines()) {
    IMCC_ASSERT_OK_AND_ASSIGN(auto elements, ParsePipeline(def.pipeline));
    EXPECT_EQ(PrintPipeline(elements), def.pipeline);
    IMCC_EXPECT_OK(PassManager::Create(r, name).status());
  }
}

TEST(RegisterGraphPassesTest, RegisteringTwiceIsAlreadyExists) {
  PassRegistry r;
  IMCC_ASSERT_OK(RegisterGraphPasses(r));
  EXPECT_THAT(RegisterGraphPasses(r), StatusIs(absl::StatusCode::kAlreadyExists, ::testing::_));
}

}  // namespace
}  // namespace imcc::passes
