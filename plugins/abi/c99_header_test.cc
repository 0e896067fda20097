#include "gtest/gtest.h"
#include "plugins/abi/imcc_plugin.h"

extern "C" size_t ImccC99CheckPluginApiSize(void);

namespace {

TEST(C99HeaderTest, CAndCxxAgreeOnTableLayout) {
  EXPECT_EQ(ImccC99CheckPluginApiSize(), static_cast<size_t>(IMCC_PluginApi_STRUCT_SIZE));
}

TEST(C99HeaderTest, MinSizeOmitsOnlyTheOptionalTrailingOptions) {
  EXPECT_LT(static_cast<size_t>(IMCC_Frontend_Load_Args_MIN_SIZE),
            static_cast<size_t>(IMCC_Frontend_Load_Args_STRUCT_SIZE));
  EXPECT_EQ(static_cast<size_t>(IMCC_Frontend_Load_Args_MIN_SIZE),
            offsetof(IMCC_Frontend_Load_Args, module) + sizeof(IMCC_Buffer*));
}

TEST(C99HeaderTest, ErrorCodesAreAbslNumbers) {
  EXPECT_EQ(IMCC_ErrorCode_kInvalidArgument, 3);
  EXPECT_EQ(IMCC_ErrorCode_kResourceExhausted, 8);
  EXPECT_EQ(IMCC_ErrorCode_kDataLoss, 15);
}

}  // namespace
