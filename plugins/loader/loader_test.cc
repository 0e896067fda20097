#include "plugins/loader/loader.h"

#include <cstdlib>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ir/parser.h"
#include "ir/printer.h"
#include "ir/support/status_matchers.h"
#include "passes/manager/pass_manager.h"

namespace imcc::plugin {
namespace {

using ::imcc::testing::StatusIs;
using ::testing::HasSubstr;

std::string Runfile(const std::string& rel) {
  return std::string(std::getenv("TEST_SRCDIR")) + "/imcc/" + rel;
}

const std::string kGraph = "passes/graph/plugin/libgraph_plugin.so";

TEST(PluginLoaderTest, LoadsTheGraphPassLibrary) {
  PluginLoader loader;
  IMCC_ASSERT_OK_AND_ASSIGN(const LoadedPlugin* p, loader.Load(Runfile(kGraph)));
  EXPECT_EQ(p->name(), "graph");
  EXPECT_EQ(KindsToString(p->kinds()), "pass-library");
}

TEST(PluginLoaderTest, MissingFileIsNotFound) {
  PluginLoader loader;
  EXPECT_THAT(loader.Load("/nonexistent/libx_plugin.so"),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("plugin '/nonexistent/libx_plugin.so': no such file")));
}

TEST(PluginLoaderTest, TextFileIsNotALoadableObject) {
  const std::string path = std::string(std::getenv("TEST_TMPDIR")) + "/libfake_plugin.so";
  FILE* f = fopen(path.c_str(), "w");
  fputs("not an ELF file\n", f);
  fclose(f);
  PluginLoader loader;
  EXPECT_THAT(loader.Load(path), StatusIs(absl::StatusCode::kInvalidArgument,
                                          HasSubstr("not a loadable shared object")));
}

TEST(PluginLoaderTest, SharedObjectWithoutEntryPointIsNotAPlugin) {
  PluginLoader loader;
  EXPECT_THAT(loader.Load(Runfile("plugins/testing/libnot_a_plugin.so")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("does not export IMCC_GetPluginApi (not an imcc plugin)")));
}

TEST(PluginLoaderTest, OtherAbiMajorIsRefusedNamingBothVersions) {
  PluginLoader loader;
  EXPECT_THAT(loader.Load(Runfile("plugins/testing/libbad_major_plugin.so")),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr(absl::StrCat("built for imcc plugin ABI ", IMCC_ABI_MAJOR + 1,
                                              ".3, this host speaks ABI ", IMCC_ABI_MAJOR, ".",
                                              IMCC_ABI_MINOR))));
}

TEST(PluginLoaderTest, DuplicateNameIsAlreadyExists) {
  PluginLoader loader;
  IMCC_ASSERT_OK(loader.Load(Runfile(kGraph)).status());
  EXPECT_THAT(loader.Load(Runfile("plugins/testing/libsecond_graph_plugin.so")),
              StatusIs(absl::StatusCode::kAlreadyExists,
                       HasSubstr("plugin name 'graph' from '")));
}

TEST(PluginLoaderTest, PluginPassesRunThroughTheAbiWithWeightsByReference) {
  PluginLoader loader;
  IMCC_ASSERT_OK(loader.Load(Runfile(kGraph)).status());
  passes::PassRegistry registry;
  IMCC_ASSERT_OK(loader.RegisterPasses(registry));
  ASSERT_NE(registry.FindPass("canonicalize"), nullptr);
  EXPECT_EQ(registry.FindPass("canonicalize")->provider, "graph");
  ASSERT_NE(registry.FindPipeline("imcc-default"), nullptr);
  IMCC_ASSERT_OK_AND_ASSIGN(ir::Module m, ir::ParseModule(R"(module @m {
  input %x : f32[2]
  weight %w : f32[2] = dense<"0000803f00000040">
  %a = tensor.identity(%x) : f32[2] @id
  %y = math.add(%a, %w) : f32[2] @add
  output %y
})"));
  const ir::WeightData* before = m.graph().value(m.graph().FindValue("w")).data.get();
  passes::PassManagerOptions o;
  o.verify_each = true;
  IMCC_ASSERT_OK_AND_ASSIGN(auto pm, passes::PassManager::Create(registry, "canonicalize", o));
  IMCC_ASSERT_OK_AND_ASSIGN(auto r, pm->Run(m));
  EXPECT_TRUE(r.changed);
  EXPECT_EQ(m.graph().num_nodes(), 1);
  // The payload never left the host: the same object comes back.
  EXPECT_EQ(m.graph().value(m.graph().FindValue("w")).data.get(), before);
}

TEST(PluginLoaderTest, PluginPassErrorsKeepTheirCode) {
  PluginLoader loader;
  IMCC_ASSERT_OK(loader.Load(Runfile(kGraph)).status());
  passes::PassRegistry registry;
  IMCC_ASSERT_OK(loader.RegisterPasses(registry));
  // A cyclic module makes canonicalize fail inside the plugin.
  IMCC_ASSERT_OK_AND_ASSIGN(ir::Module m, ir::ParseModule(R"(module @m {
  input %x : f32[4]
  %a = math.add(%x, %b) : f32[4] @a
  %b = nn.relu(%a) : f32[4] @b
  output %b
})"));
  IMCC_ASSERT_OK_AND_ASSIGN(auto pm, passes::PassManager::Create(registry, "canonicalize"));
  EXPECT_THAT(pm->Run(m), StatusIs(absl::StatusCode::kInvalidArgument,
                                   HasSubstr("pass 'canonicalize' (#1 in 'canonicalize'): graph has a cycle")));
}

TEST(PluginLoaderTest, ThirdPartyTextPassAddsOpCensus) {
  PluginLoader loader;
  IMCC_ASSERT_OK(loader.Load(Runfile("plugins/examples/libop_census_plugin.so")).status());
  passes::PassRegistry registry;
  IMCC_ASSERT_OK(loader.RegisterPasses(registry));
  IMCC_ASSERT_OK_AND_ASSIGN(ir::Module m, ir::ParseModule(R"(module @m {
  input %x : f32[2]
  %a = nn.relu(%x) : f32[2] @a
  %b = nn.relu(%a) : f32[2] @b
  %y = math.neg(%b) : f32[2] @n
  output %y
})"));
  IMCC_ASSERT_OK_AND_ASSIGN(auto pm, passes::PassManager::Create(registry, "op-census"));
  IMCC_ASSERT_OK(pm->Run(m).status());
  EXPECT_EQ(m.metadata().at("op-census.nn.relu"), "2");
  EXPECT_EQ(m.metadata().at("op-census.math.neg"), "1");
}

TEST(PluginLoaderTest, LoadAllFindsPluginsRecursively) {
  PluginLoader loader;
  IMCC_ASSERT_OK(loader.LoadAll({Runfile("passes"), Runfile("plugins/examples")}));
  std::vector<std::string> names;
  for (const auto& p : loader.plugins()) names.push_back(p->name());
  EXPECT_THAT(names, ::testing::UnorderedElementsAre("graph", "op-census"));
}

TEST(PluginLoaderTest, OlderMinorLoadsAndLacksTheNewSlots) {
  PluginLoader loader;
  IMCC_ASSERT_OK_AND_ASSIGN(const LoadedPlugin* p, loader.Load(Runfile("plugins/testing/libold_minor_plugin.so")));
  EXPECT_EQ(p->api().abi_version.minor, 1);
  // Its kind claims a backend, but the slots lie past its table: absent.
  EXPECT_THAT(loader.FindBackend("crossbar"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("no loaded backend plugin compiles for 'crossbar'")));
  passes::PassRegistry registry;
  IMCC_EXPECT_OK(loader.RegisterPasses(registry));
}

TEST(PluginLoaderTest, FindsTheCrossbarBackend) {
  PluginLoader loader;
  IMCC_ASSERT_OK(loader.Load(Runfile("backends/crossbar/plugin/libcrossbar_plugin.so")).status());
  IMCC_ASSERT_OK_AND_ASSIGN(auto backend, loader.FindBackend("crossbar"));
  EXPECT_EQ(backend.first->name(), "crossbar");
  EXPECT_THAT(loader.FindBackend("ndp-dimm"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("(backends: crossbar (crossbar))")));
}

TEST(PluginLoaderTest, NoFrontendIsAClearError) {
  PluginLoader loader;
  EXPECT_THAT(loader.ImportModel(Runfile(kGraph)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("no loaded frontend recognises this file (frontends: none)")));
}

}  // namespace
}  // namespace imcc::plugin
