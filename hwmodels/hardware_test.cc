#include "hwmodels/hardware.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ir/support/status_matchers.h"

namespace imcc::hw {
namespace {

using ::imcc::testing::IsOk;
using ::imcc::testing::StatusIs;
using ::testing::HasSubstr;

TEST(HardwareTest, EveryPresetLoadsAndValidates) {
  const std::vector<std::string> names = PresetNames();
  for (const char* want : {"isaac", "puma", "jia21", "jain21", "pimcomp-default", "compass-s",
                           "compass-m", "compass-l", "dynaplasia", "prime", "hermes-4090-8dimm"}) {
    EXPECT_THAT(names, ::testing::Contains(want));
  }
  for (const std::string& name : names) {
    absl::StatusOr<HardwareDescription> hw = LoadTarget(name);
    ASSERT_THAT(hw, IsOk()) << name;
    EXPECT_EQ(hw->name(), name);
    EXPECT_FALSE(hw->sources().empty()) << name << " cites no source";
    EXPECT_FALSE(hw->description().empty()) << name;
  }
}

TEST(HardwareTest, IsaacNumbersComeThrough) {
  IMCC_ASSERT_OK_AND_ASSIGN(HardwareDescription hw, LoadTarget("isaac"));
  const Array& a = hw.chip().core().array();
  EXPECT_EQ(a.rows(), 128u);
  EXPECT_EQ(a.cell_bits(), 2u);
  EXPECT_EQ(a.adc_bits(), 8u);
  EXPECT_DOUBLE_EQ(a.adc_sample_rate_gsps(), 1.28);
  EXPECT_DOUBLE_EQ(a.read_latency_ns(), 100);
  EXPECT_EQ(hw.chip().cores_x() * hw.chip().cores_y(), 168u);
}

TEST(HardwareTest, PimcompCountsLogicalCrossbars) {
  IMCC_ASSERT_OK_AND_ASSIGN(HardwareDescription hw, LoadTarget("pimcomp-default"));
  EXPECT_EQ(hw.chip().core().array().cell_bits(), hw.chip().core().array().weight_bits());
  EXPECT_EQ(hw.chip().cores_x() * hw.chip().cores_y() * hw.chip().core().arrays(), 9216u);
}

TEST(HardwareTest, UnknownPresetListsTheKnownOnes) {
  EXPECT_THAT(LoadTarget("isaak"), StatusIs(absl::StatusCode::kNotFound,
                                            HasSubstr("unknown target 'isaak' (presets: compass-l")));
}

TEST(HardwareTest, SyntaxErrorNamesFileLineAndColumn) {
  EXPECT_THAT(ParseHardwareText("name: \"x\"\nchip { cores_x: }\n", "my.textproto"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("my.textproto:2:")));
}

TEST(HardwareTest, UnknownFieldIsAnError) {
  EXPECT_THAT(ParseHardwareText("name: \"x\"\nchip { corez: 3 }\n", "my.textproto"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("corez")));
}

HardwareDescription Isaac() { return *LoadTarget("isaac"); }

TEST(HardwareTest, ZeroRowsNamesTheFieldPath) {
  HardwareDescription hw = Isaac();
  hw.mutable_chip()->mutable_core()->mutable_array()->set_rows(0);
  EXPECT_THAT(ValidateHardware(hw).status,
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("target 'isaac': chip.core.array.rows: must be > 0, got 0")));
}

TEST(HardwareTest, NegativeNumberNamesTheFieldPath) {
  HardwareDescription hw = Isaac();
  hw.mutable_chip()->mutable_noc()->set_hop_latency_ns(-1);
  EXPECT_THAT(ValidateHardware(hw).status,
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("chip.noc.hop_latency_ns: must be a finite number >= 0, got -1")));
}

TEST(HardwareTest, ActiveRowsAboveRowsIsAnError) {
  HardwareDescription hw = Isaac();
  hw.mutable_chip()->mutable_core()->mutable_array()->set_max_active_rows(256);
  EXPECT_THAT(ValidateHardware(hw).status,
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("chip.core.array.max_active_rows: must be <= rows (128), got 256")));
}

TEST(HardwareTest, NarrowAdcIsAWarningUnlessLosslessIsClaimed) {
  HardwareDescription hw = Isaac();
  EXPECT_EQ(LosslessAdcBits(hw.chip().core().array()), 9);  // 128 x 3 x 1 + 1 -> 9 bits
  ValidationResult r = ValidateHardware(hw);
  EXPECT_THAT(r.status, IsOk());
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_THAT(r.warnings[0], HasSubstr("chip.core.array.adc_bits: 8 bits cannot convert 128 active rows"));
  hw.mutable_chip()->mutable_core()->mutable_array()->set_expect_lossless_adc(true);
  EXPECT_THAT(ValidateHardware(hw).status,
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("(needs 9)")));
}

TEST(HardwareTest, LosslessJainMacroHasNoWarning) {
  IMCC_ASSERT_OK_AND_ASSIGN(HardwareDescription hw, LoadTarget("jain21"));
  EXPECT_EQ(LosslessAdcBits(hw.chip().core().array()), 6);  // 32 active rows of 1-bit cells
  EXPECT_TRUE(ValidateHardware(hw).warnings.empty());
}

TEST(HardwareTest, DualModeFamilyNeedsSwitchableArrays) {
  IMCC_ASSERT_OK_AND_ASSIGN(HardwareDescription hw, LoadTarget("dynaplasia"));
  hw.mutable_chip()->mutable_core()->mutable_array()->mutable_dual_mode()->set_switchable(false);
  EXPECT_THAT(ValidateHardware(hw).status,
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("chip.core.array.dual_mode.switchable")));
}

TEST(HardwareTest, NdpDimmCountMustMatchChannels) {
  IMCC_ASSERT_OK_AND_ASSIGN(HardwareDescription hw, LoadTarget("hermes-4090-8dimm"));
  EXPECT_EQ(hw.system().dimms().timing().tcl_cycles(), 24u);
  hw.mutable_system()->mutable_dimms()->set_count(7);
  EXPECT_THAT(ValidateHardware(hw).status,
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("system.dimms.count: 7 DIMMs but 4 channels x 2 DIMMs per channel")));
}

TEST(HardwareTest, DescribeShowsValuesAndFieldDocs) {
  const std::string text = DescribeTarget(Isaac());
  EXPECT_THAT(text, HasSubstr("rows: 128"));
  EXPECT_THAT(text, HasSubstr("read_latency_ns: 100"));
  EXPECT_THAT(text, HasSubstr("# one analog read (one input slice, one row group)"));
  EXPECT_THAT(text, HasSubstr("system { }  # absent"));
  EXPECT_THAT(text, HasSubstr("# warning: target 'isaac': chip.core.array.adc_bits"));
}

TEST(HardwareTest, ListTargetsHasOneLinePerPreset) {
  const std::string text = ListTargets();
  EXPECT_THAT(text, HasSubstr("isaac"));
  EXPECT_THAT(text, HasSubstr("ndp-dimm"));
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), static_cast<long>(PresetNames().size()));
}

}  // namespace
}  // namespace imcc::hw
