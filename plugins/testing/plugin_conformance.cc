// The conformance suite every imcc plugin runs (STYLE.md B1.12): argv[1] is
// the plugin .so. Checks the exported-symbol list, the table and version,
// struct sizes, error round-trip, NULL-safe destroys, and that each slot
// rejects a too-small struct and accepts the minimum and a larger one.
#include <dlfcn.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "plugins/abi/imcc_plugin.h"

namespace {

std::string g_plugin_path;

class ConformanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(g_plugin_path.empty()) << "usage: plugin_conformance PLUGIN.so";
    handle_ = dlopen(g_plugin_path.c_str(), RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(handle_, nullptr) << dlerror();
    auto* get = reinterpret_cast<IMCC_GetPluginApi_Fn*>(dlsym(handle_, "IMCC_GetPluginApi"));
    ASSERT_NE(get, nullptr);
    api_ = get();
    ASSERT_NE(api_, nullptr);
  }
  // No dlclose: the host keeps plugins loaded for the process lifetime, so
  // their statics must stay reachable (and leak checkers agree).
  std::string MessageAndDestroy(IMCC_Error* e, IMCC_ErrorCode* code) {
    IMCC_Error_Message_Args m{};
    m.struct_size = IMCC_Error_Message_Args_STRUCT_SIZE;
    m.error = e;
    api_->Error_Message(&m);
    IMCC_Error_GetCode_Args c{};
    c.struct_size = IMCC_Error_GetCode_Args_STRUCT_SIZE;
    c.error = e;
    api_->Error_GetCode(&c);
    *code = c.code;
    std::string msg(m.message, m.message_size);
    IMCC_Error_Destroy_Args d{};
    d.struct_size = IMCC_Error_Destroy_Args_STRUCT_SIZE;
    d.error = e;
    api_->Error_Destroy(&d);
    return msg;
  }
  void DestroyBuffer(IMCC_Buffer* b) {
    IMCC_Buffer_Destroy_Args d{};
    d.struct_size = IMCC_Buffer_Destroy_Args_STRUCT_SIZE;
    d.buffer = b;
    api_->Buffer_Destroy(&d);
  }

  void* handle_ = nullptr;
  const IMCC_PluginApi* api_ = nullptr;
};

TEST_F(ConformanceTest, ExportsExactlyOneSymbol) {
  const std::string cmd = "nm -D --defined-only '" + g_plugin_path + "' 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::vector<std::string> symbols;
  char line[4096];
  while (fgets(line, sizeof(line), p) != nullptr) {
    std::string s(line);
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    const size_t sp = s.rfind(' ');
    symbols.push_back(sp == std::string::npos ? s : s.substr(sp + 1));
  }
  ASSERT_EQ(pclose(p), 0) << "nm failed";
  ASSERT_EQ(symbols.size(), 1u) << "exported: " << ::testing::PrintToString(symbols);
  EXPECT_EQ(symbols[0], "IMCC_GetPluginApi");
}

TEST_F(ConformanceTest, FileNameFollowsLibNamePluginSo) {
  const std::string base = g_plugin_path.substr(g_plugin_path.rfind('/') + 1);
  EXPECT_EQ(base.rfind("lib", 0), 0u);
  EXPECT_EQ(base.substr(base.size() - 10), "_plugin.so");
}

TEST_F(ConformanceTest, TableHeaderIsValid) {
  EXPECT_GE(api_->struct_size, static_cast<size_t>(IMCC_STRUCT_SIZE(IMCC_PluginApi, Buffer_Data)));
  EXPECT_EQ(api_->abi_version.major, IMCC_ABI_MAJOR);
  EXPECT_GE(api_->abi_version.struct_size, static_cast<size_t>(IMCC_AbiVersion_STRUCT_SIZE));
  ASSERT_NE(api_->name, nullptr);
  ASSERT_NE(api_->version, nullptr);
  const std::string name = api_->name;
  ASSERT_FALSE(name.empty());
  for (char c : name) EXPECT_FALSE(c >= 'A' && c <= 'Z') << "name must be lower-case: " << name;
  EXPECT_NE(api_->plugin_kind, 0u);
  EXPECT_EQ(api_->plugin_kind & ~7u, 0u) << "unknown kind bits";
  EXPECT_EQ(api_, reinterpret_cast<IMCC_GetPluginApi_Fn*>(dlsym(handle_, "IMCC_GetPluginApi"))())
      << "the table must be a static";
}

TEST_F(ConformanceTest, KindSlotsArePresent) {
  if (api_->plugin_kind & IMCC_PluginKind_kFrontend) {
    EXPECT_NE(api_->Frontend_CanLoad, nullptr);
    EXPECT_NE(api_->Frontend_Load, nullptr);
  }
  if (api_->plugin_kind & IMCC_PluginKind_kPassLibrary) {
    EXPECT_NE(api_->PassLibrary_List, nullptr);
    EXPECT_NE(api_->Pass_Run, nullptr);
  }
  if (api_->plugin_kind & IMCC_PluginKind_kBackend) {
    ASSERT_GE(api_->struct_size, static_cast<size_t>(IMCC_STRUCT_SIZE(IMCC_PluginApi, Backend_Compile)));
    EXPECT_NE(api_->Backend_Describe, nullptr);
    EXPECT_NE(api_->Backend_Compile, nullptr);
  }
}

TEST_F(ConformanceTest, DestroysAcceptNull) {
  IMCC_Error_Destroy_Args e{};
  e.struct_size = IMCC_Error_Destroy_Args_STRUCT_SIZE;
  api_->Error_Destroy(&e);
  IMCC_Buffer_Destroy_Args b{};
  b.struct_size = IMCC_Buffer_Destroy_Args_STRUCT_SIZE;
  api_->Buffer_Destroy(&b);
}

TEST_F(ConformanceTest, TooSmallStructIsInvalidArgumentNotACrash) {
  IMCC_ErrorCode code;
  if (api_->PassLibrary_List != nullptr) {
    IMCC_PassLibrary_List_Args a{};
    a.struct_size = 1;
    IMCC_Error* e = api_->PassLibrary_List(&a);
    ASSERT_NE(e, nullptr);
    EXPECT_FALSE(MessageAndDestroy(e, &code).empty());
    EXPECT_EQ(code, IMCC_ErrorCode_kInvalidArgument);
  }
  if (api_->Frontend_Load != nullptr) {
    IMCC_Frontend_Load_Args a{};
    a.struct_size = 1;
    IMCC_Error* e = api_->Frontend_Load(&a);
    ASSERT_NE(e, nullptr);
    EXPECT_FALSE(MessageAndDestroy(e, &code).empty());
    EXPECT_EQ(code, IMCC_ErrorCode_kInvalidArgument);
  }
}

TEST_F(ConformanceTest, ErrorsRoundTripCodeAndMessage) {
  IMCC_ErrorCode code;
  if (api_->Pass_Run != nullptr) {
    IMCC_Pass_Run_Args a{};
    a.struct_size = IMCC_Pass_Run_Args_STRUCT_SIZE;
    a.pass_name = "no-such-pass-xyz";
    a.pass_name_size = strlen(a.pass_name);
    IMCC_Error* e = api_->Pass_Run(&a);
    ASSERT_NE(e, nullptr);
    EXPECT_NE(MessageAndDestroy(e, &code).find("no-such-pass-xyz"), std::string::npos);
    EXPECT_EQ(code, IMCC_ErrorCode_kNotFound);
  }
  if (api_->Frontend_Load != nullptr) {
    IMCC_Frontend_Load_Args a{};
    a.struct_size = IMCC_Frontend_Load_Args_STRUCT_SIZE;
    a.path = "/nonexistent/model.bin";
    a.path_size = strlen(a.path);
    IMCC_Error* e = api_->Frontend_Load(&a);
    ASSERT_NE(e, nullptr);
    EXPECT_NE(MessageAndDestroy(e, &code).find("/nonexistent/model.bin"), std::string::npos);
    EXPECT_EQ(code, IMCC_ErrorCode_kNotFound);
  }
}

TEST_F(ConformanceTest, BackendRejectsGarbageHardware) {
  if (!(api_->plugin_kind & IMCC_PluginKind_kBackend)) GTEST_SKIP() << "not a backend";
  IMCC_Backend_Compile_Args a{};
  a.struct_size = IMCC_Backend_Compile_Args_STRUCT_SIZE;
  a.hardware = "\xff\xff";
  a.hardware_size = 2;
  IMCC_Error* e = api_->Backend_Compile(&a);
  ASSERT_NE(e, nullptr);
  IMCC_ErrorCode code;
  EXPECT_FALSE(MessageAndDestroy(e, &code).empty());
  EXPECT_TRUE(code == IMCC_ErrorCode_kDataLoss || code == IMCC_ErrorCode_kInvalidArgument);
}

TEST_F(ConformanceTest, ListAcceptsLargerStructFromNewerHost) {
  if (api_->PassLibrary_List == nullptr) GTEST_SKIP() << "not a pass library";
  struct Bigger {
    IMCC_PassLibrary_List_Args args;
    char future_fields[64];
  } big{};
  big.args.struct_size = sizeof(Bigger);
  IMCC_Error* e = api_->PassLibrary_List(&big.args);
  ASSERT_EQ(e, nullptr);
  ASSERT_NE(big.args.passes, nullptr);
  IMCC_Buffer_Data_Args d{};
  d.struct_size = IMCC_Buffer_Data_Args_STRUCT_SIZE;
  d.buffer = big.args.passes;
  api_->Buffer_Data(&d);
  EXPECT_GT(d.data_size, 0u);
  DestroyBuffer(big.args.passes);
}

TEST_F(ConformanceTest, FrontendAcceptsOldStructWithoutOptions) {
  if (api_->Frontend_Load == nullptr) GTEST_SKIP() << "not a frontend";
  // An older caller stops before the optional trailing `options` fields;
  // the callee must not read them (the error is about the file, not size).
  IMCC_Frontend_Load_Args a{};
  a.struct_size = IMCC_Frontend_Load_Args_MIN_SIZE;
  a.path = "/nonexistent/model.bin";
  a.path_size = strlen(a.path);
  IMCC_Error* e = api_->Frontend_Load(&a);
  ASSERT_NE(e, nullptr);
  IMCC_ErrorCode code;
  EXPECT_EQ(MessageAndDestroy(e, &code).find("struct_size"), std::string::npos);
  EXPECT_EQ(code, IMCC_ErrorCode_kNotFound);
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (argc > 1) g_plugin_path = argv[1];
  return RUN_ALL_TESTS();
}
