#include "passes/manager/pipeline.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ir/support/status_matchers.h"

namespace imcc::passes {
namespace {

using ::imcc::testing::StatusIs;
using ::testing::HasSubstr;

TEST(PipelineTest, CanonicalTextRoundTrips) {
  for (absl::string_view text :
       {"", "canonicalize", "crossbar-tile{rows=128},replicate{strategy=dp},schedule{mode=latency}",
        "module(canonicalize,dce),require<op-stats>", "a{x=1 y=two},@after-import,b"}) {
    IMCC_ASSERT_OK_AND_ASSIGN(auto elements, ParsePipeline(text));
    EXPECT_EQ(PrintPipeline(elements), text);
  }
}

TEST(PipelineTest, WhitespaceIsToleratedAndPrintedCanonically) {
  IMCC_ASSERT_OK_AND_ASSIGN(auto elements, ParsePipeline(" a { x=1   y=2 } , module( b ) "));
  EXPECT_EQ(PrintPipeline(elements), "a{x=1 y=2},module(b)");
}

TEST(PipelineTest, UnclosedOptionsNameThePass) {
  EXPECT_THAT(ParsePipeline("tile{rows=128"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("expected '}' to close the options of 'tile'")));
}

TEST(PipelineTest, MissingValueIsAnError) {
  EXPECT_THAT(ParsePipeline("tile{rows=}"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("option 'rows' has no value")));
}

TEST(PipelineTest, RepeatedOptionIsAnError) {
  EXPECT_THAT(ParsePipeline("tile{rows=1 rows=2}"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("given twice")));
}

TEST(PipelineTest, TrailingCommaIsAnErrorWithColumn) {
  EXPECT_THAT(ParsePipeline("a,"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("pipeline 'a,' at column 3: expected a pass name at end")));
}

}  // namespace
}  // namespace imcc::passes
