#include "tools/common/flags.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ir/support/status_matchers.h"

namespace imcc::tools {
namespace {

using ::imcc::testing::StatusIs;
using ::testing::HasSubstr;

absl::Status ParseArgs(FlagSet& f, std::vector<std::string> args) {
  std::vector<char*> argv;
  static std::string prog = "prog";
  argv.push_back(prog.data());
  for (std::string& a : args) argv.push_back(a.data());
  return f.Parse(static_cast<int>(argv.size()), argv.data());
}

FlagSet Make() {
  FlagSet f("prog", "usage: prog");
  f.String("model", "", "model");
  f.Bool("verbose", false, "talk");
  f.Int("batch", 1, "batch");
  f.Repeated("plugin", "plugin");
  return f;
}

TEST(FlagSetTest, ParsesAllForms) {
  FlagSet f = Make();
  IMCC_ASSERT_OK(ParseArgs(f, {"--model=a.onnx", "--verbose", "--batch", "16", "--plugin=x.so",
                               "--plugin=y.so", "pos"}));
  EXPECT_EQ(f.GetString("model"), "a.onnx");
  EXPECT_TRUE(f.GetBool("verbose"));
  EXPECT_EQ(f.GetInt("batch"), 16);
  EXPECT_EQ(f.GetRepeated("plugin"), (std::vector<std::string>{"x.so", "y.so"}));
  EXPECT_EQ(f.positional(), std::vector<std::string>{"pos"});
}

TEST(FlagSetTest, NoPrefixTurnsBooleanOff) {
  FlagSet f = Make();
  IMCC_ASSERT_OK(ParseArgs(f, {"--verbose", "--noverbose"}));
  EXPECT_FALSE(f.GetBool("verbose"));
}

TEST(FlagSetTest, UnknownFlagIsNamed) {
  FlagSet f = Make();
  EXPECT_THAT(ParseArgs(f, {"--modle=a"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unknown flag '--modle'")));
}

TEST(FlagSetTest, BadIntegerIsNamed) {
  FlagSet f = Make();
  EXPECT_THAT(ParseArgs(f, {"--batch=many"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("flag '--batch' must be an integer, got 'many'")));
}

TEST(FlagSetTest, MissingValueIsNamed) {
  FlagSet f = Make();
  EXPECT_THAT(ParseArgs(f, {"--model"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("flag '--model' needs a value")));
}

TEST(FlagSetTest, HelpListsEveryFlagWithDefault) {
  FlagSet f = Make();
  const std::string help = f.Help();
  EXPECT_THAT(help, HasSubstr("--model=VALUE"));
  EXPECT_THAT(help, HasSubstr("--batch=N"));
  EXPECT_THAT(help, HasSubstr("(default: 1)"));
  EXPECT_THAT(help, HasSubstr("--plugin=VALUE"));
  EXPECT_THAT(help, HasSubstr("(repeatable)"));
}

}  // namespace
}  // namespace imcc::tools
