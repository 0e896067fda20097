#include "passes/manager/pass_manager.h"

#include <fstream>
#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ir/parser.h"
#include "ir/printer.h"
#include "ir/support/status_matchers.h"
#include "passes/manager/test_util.h"

namespace imcc::passes {
namespace {

using ::imcc::testing::StatusIs;
using ::testing::HasSubstr;

constexpr absl::string_view kModule = R"(module @m {
  input %x : f32[4]
  %y = nn.relu(%x) : f32[4] @relu
  output %y
}
)";

struct CountingAnalysis {
  static constexpr absl::string_view kName = "counting";
  CountingAnalysis(const ir::Module& m, AnalysisManager&) : nodes(m.graph().num_nodes()) {}
  int nodes;
};

// Renames the module; reports changed and preserves `keep` if non-empty.
class RenamePass : public Pass {
 public:
  RenamePass(std::string to, std::string keep) : to_(std::move(to)), keep_(std::move(keep)) {}
  absl::string_view name() const override { return "rename"; }
  absl::StatusOr<PassResult> Run(ir::Module& m, AnalysisManager& am) override {
    am.Get<CountingAnalysis>();
    if (m.name() == to_) return PassResult::Unchanged();
    m.set_name(to_);
    PreservedAnalyses p;
    if (!keep_.empty()) p.Preserve(keep_);
    return PassResult::Changed(p);
  }

 private:
  std::string to_, keep_;
};

class FailPass : public Pass {
 public:
  absl::string_view name() const override { return "fail"; }
  absl::StatusOr<PassResult> Run(ir::Module&, AnalysisManager&) override {
    return absl::UnimplementedError("op 'nn.relu' is not supported");
  }
};

// Breaks the IR: the declared result type no longer matches.
class CorruptPass : public Pass {
 public:
  absl::string_view name() const override { return "corrupt"; }
  absl::StatusOr<PassResult> Run(ir::Module& m, AnalysisManager&) override {
    m.graph().mutable_value(m.graph().outputs()[0]).type.shape = {5};
    return PassResult::Changed();
  }
};

PassRegistry MakeRegistry() {
  PassRegistry r;
  PassInfo rename;
  rename.name = "rename";
  rename.summary = "renames the module";
  rename.options = {{"to", OptionSpec::Type::kString, "renamed", "new name", {}},
                    {"keep", OptionSpec::Type::kString, "", "analysis to preserve", {}},
                    {"times", OptionSpec::Type::kInt, "1", "unused", {}}};
  rename.factory = [](const PassOptions& o) -> absl::StatusOr<std::unique_ptr<Pass>> {
    return std::make_unique<RenamePass>(o.GetString("to"), o.GetString("keep"));
  };
  EXPECT_TRUE(r.RegisterPass(std::move(rename)).ok());
  PassInfo fail;
  fail.name = "fail";
  fail.factory = [](const PassOptions&) -> absl::StatusOr<std::unique_ptr<Pass>> {
    return std::make_unique<FailPass>();
  };
  EXPECT_TRUE(r.RegisterPass(std::move(fail)).ok());
  PassInfo corrupt;
  corrupt.name = "corrupt";
  corrupt.factory = [](const PassOptions&) -> absl::StatusOr<std::unique_ptr<Pass>> {
    return std::make_unique<CorruptPass>();
  };
  EXPECT_TRUE(r.RegisterPass(std::move(corrupt)).ok());
  EXPECT_TRUE(r.RegisterPipeline({"test-default", "rename{to=a},@after-import,rename{to=b}", "t"}).ok());
  return r;
}

ir::Module Parse() { return *ir::ParseModule(kModule); }

TEST(PassManagerTest, RunsPassesInOrder) {
  PassRegistry r = MakeRegistry();
  ir::Module m = Parse();
  IMCC_ASSERT_OK_AND_ASSIGN(auto pm, PassManager::Create(r, "rename{to=a},rename{to=b}"));
  IMCC_ASSERT_OK_AND_ASSIGN(PipelineRunResult res, pm->Run(m));
  EXPECT_TRUE(res.changed);
  EXPECT_EQ(m.name(), "b");
}

TEST(PassManagerTest, UnchangedPassKeepsAnalysesCached) {
  PassRegistry r = MakeRegistry();
  ir::Module m = Parse();
  AnalysisManager am(m);
  RenamePass same("m", "");
  IMCC_ASSERT_OK(same.Run(m, am).status());
  IMCC_ASSERT_OK(same.Run(m, am).status());
  EXPECT_EQ(am.computations().at("counting"), 1);
}

TEST(PassManagerTest, ChangedPassInvalidatesUnlessPreserved) {
  ir::Module m = Parse();
  AnalysisManager am(m);
  am.Get<CountingAnalysis>();
  am.Invalidate(PreservedAnalyses::None().Preserve("counting"));
  EXPECT_NE(am.GetCached<CountingAnalysis>(), nullptr);
  am.Invalidate(PreservedAnalyses::None());
  EXPECT_EQ(am.GetCached<CountingAnalysis>(), nullptr);
}

TEST(PassManagerTest, UnknownPassIsNotFound) {
  PassRegistry r = MakeRegistry();
  EXPECT_THAT(PassManager::Create(r, "rename,nope"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("unknown pass 'nope'")));
}

TEST(PassManagerTest, UnknownOptionListsTheKnownOnes) {
  PassRegistry r = MakeRegistry();
  EXPECT_THAT(PassManager::Create(r, "rename{bogus=1}"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("pass 'rename' has no option 'bogus' (options: to, keep, times)")));
}

TEST(PassManagerTest, BadlyTypedOptionIsInvalidArgument) {
  PassRegistry r = MakeRegistry();
  EXPECT_THAT(PassManager::Create(r, "rename{times=lots}"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("option 'times' must be an integer, got 'lots'")));
}

TEST(PassManagerTest, FailureNamesPassAndPositionAndKeepsCode) {
  PassRegistry r = MakeRegistry();
  ir::Module m = Parse();
  IMCC_ASSERT_OK_AND_ASSIGN(auto pm, PassManager::Create(r, "rename{to=a},fail"));
  EXPECT_THAT(pm->Run(m), StatusIs(absl::StatusCode::kUnimplemented,
                                   HasSubstr("pass 'fail' (#2 in 'rename{to=a},fail'): op 'nn.relu'")));
}

TEST(PassManagerTest, VerifyEachCatchesBrokenIrAsInternal) {
  PassRegistry r = MakeRegistry();
  ir::Module m = Parse();
  PassManagerOptions o;
  o.verify_each = true;
  IMCC_ASSERT_OK_AND_ASSIGN(auto pm, PassManager::Create(r, "corrupt", o));
  EXPECT_THAT(pm->Run(m), StatusIs(absl::StatusCode::kInternal,
                                   HasSubstr("produced invalid IR: node 'relu' (nn.relu)")));
}

TEST(PassManagerTest, NamedPipelineExpandsWithExtensions) {
  PassRegistry r = MakeRegistry();
  IMCC_ASSERT_OK(r.AddExtension({ExtensionPoint::kAfterImport, "rename{to=ext}", "", "", "t"}));
  IMCC_ASSERT_OK(r.AddExtension({ExtensionPoint::kBeforeCodegen, "fail", "rename", "", "t"}));
  IMCC_ASSERT_OK_AND_ASSIGN(auto pm, PassManager::Create(r, "test-default"));
  EXPECT_EQ(pm->pipeline(), "test-default");
  EXPECT_EQ(pm->ExpandedPipeline(), "fail,rename{to=a},rename{to=ext},rename{to=b}");
}

TEST(PassManagerTest, EveryNamedPipelineRoundTrips) {
  PassRegistry r = MakeRegistry();
  for (const auto& [name, def] : r.pipelines()) {
    IMCC_ASSERT_OK_AND_ASSIGN(auto elements, ParsePipeline(def.pipeline));
    EXPECT_EQ(PrintPipeline(elements), def.pipeline);
  }
}

TEST(PassManagerTest, DuplicateRegistrationIsAlreadyExists) {
  PassRegistry r = MakeRegistry();
  PassInfo again;
  again.name = "rename";
  again.provider = "other";
  EXPECT_THAT(r.RegisterPass(again),
              StatusIs(absl::StatusCode::kAlreadyExists,
                       HasSubstr("pass 'rename' from 'other' is already registered by 'builtin'")));
}

TEST(PassManagerTest, PrintIrAfterAndTimePasses) {
  PassRegistry r = MakeRegistry();
  ir::Module m = Parse();
  std::ostringstream out;
  PassManagerOptions o;
  o.print_ir_after = {"rename"};
  o.time_passes = true;
  o.out = &out;
  IMCC_ASSERT_OK_AND_ASSIGN(auto pm, PassManager::Create(r, "rename{to=zz}", o));
  IMCC_ASSERT_OK(pm->Run(m).status());
  EXPECT_THAT(out.str(), HasSubstr("// -----// IR after rename //----- //\nmodule @zz {"));
  EXPECT_THAT(out.str(), HasSubstr("Pass execution timing report"));
}

TEST(PassManagerTest, ReproducerHoldsIrBeforeTheFailingPassAndReplays) {
  PassRegistry r = MakeRegistry();
  ir::Module m = Parse();
  const std::string path = std::string(getenv("TEST_TMPDIR")) + "/repro.imcc";
  PassManagerOptions o;
  o.reproducer_path = path;
  o.reproducer_flags = {"--plugin=x.so"};
  IMCC_ASSERT_OK_AND_ASSIGN(auto pm, PassManager::Create(r, "rename{to=a},fail", o));
  EXPECT_FALSE(pm->Run(m).ok());
  std::ifstream f(path);
  std::stringstream text;
  text << f.rdbuf();
  IMCC_ASSERT_OK_AND_ASSIGN(Reproducer rep, ParseReproducer(text.str()));
  EXPECT_EQ(rep.pipeline, "fail");
  EXPECT_EQ(rep.flags, std::vector<std::string>{"--plugin=x.so"});
  IMCC_ASSERT_OK_AND_ASSIGN(ir::Module again, ir::ParseModule(rep.ir));
  EXPECT_EQ(again.name(), "a");
  IMCC_ASSERT_OK_AND_ASSIGN(auto replay, PassManager::Create(r, rep.pipeline));
  EXPECT_THAT(replay->Run(again), StatusIs(absl::StatusCode::kUnimplemented, HasSubstr("pass 'fail'")));
}

TEST(PassManagerTest, RunSinglePassReportsChanged) {
  PassRegistry r = MakeRegistry();
  ir::Module m = Parse();
  IMCC_ASSERT_OK_AND_ASSIGN(PassResult res, RunSinglePass(r, "rename{to=q}", m));
  EXPECT_TRUE(res.changed);
}

TEST(PassManagerTest, UnknownAnchorIsNotFound) {
  PassRegistry r = MakeRegistry();
  EXPECT_THAT(PassManager::Create(r, "func(rename)"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("unknown anchor 'func'")));
}

}  // namespace
}  // namespace imcc::passes
