#include "backends/crossbar/placement.h"

#include <algorithm>

#include "gtest/gtest.h"
#include "hwmodels/cost.h"
#include "hwmodels/hardware.h"

namespace imcc::crossbar {
namespace {

hw::Chip Mesh4x4() {
  hw::Chip chip = hw::LoadTarget("compass-s")->chip();  // 4 x 4 mesh
  EXPECT_EQ(chip.noc().topology(), hw::TOPOLOGY_MESH);
  return chip;
}

TEST(PlacementTest, AChainStaysOnTheSerpentine) {
  const hw::Chip chip = Mesh4x4();
  std::vector<Traffic> chain;
  for (int c = 0; c + 1 < 16; ++c) chain.push_back({c, c + 1, 100});
  const CorePlacement p = PlaceCores(chip, chain);
  EXPECT_EQ(p.method, "serpentine");  // already one hop per flow: optimal
  EXPECT_DOUBLE_EQ(p.byte_hops, 1500);
}

TEST(PlacementTest, SearchPullsASkipConnectionTogether) {
  const hw::Chip chip = Mesh4x4();
  // A chain over 12 cores plus a heavy flow from the first to the
  // eleventh, 5 hops apart on the serpentine.
  std::vector<Traffic> t;
  for (int c = 0; c + 1 < 12; ++c) t.push_back({c, c + 1, 10});
  t.push_back({0, 10, 1000});
  const CorePlacement p = PlaceCores(chip, t);
  EXPECT_LT(p.byte_hops, p.initial_byte_hops);
  EXPECT_NE(p.method.find("+search"), std::string::npos);
  EXPECT_DOUBLE_EQ(p.byte_hops, ByteHops(chip, p.physical, t));
  EXPECT_EQ(hw::NocHops(chip, p.physical[0], p.physical[10]), 1);  // the heavy flow is one hop
  // A permutation of the cores.
  std::vector<int> sorted = p.physical;
  std::sort(sorted.begin(), sorted.end());
  for (int c = 0; c < 16; ++c) EXPECT_EQ(sorted[c], c);
}

TEST(PlacementTest, SameSeedSamePlacement) {
  const hw::Chip chip = Mesh4x4();
  std::vector<Traffic> t = {{0, 9, 5}, {3, 12, 7}, {1, 14, 3}, {2, 6, 1}};
  EXPECT_EQ(PlaceCores(chip, t, 1).physical, PlaceCores(chip, t, 1).physical);
}

TEST(PlacementTest, ABusIsNotSearched) {
  const hw::Chip chip = hw::LoadTarget("pimcomp-default")->chip();
  ASSERT_EQ(chip.noc().topology(), hw::TOPOLOGY_BUS);
  const CorePlacement p = PlaceCores(chip, {{0, 100, 50}});
  EXPECT_EQ(p.method.find("+search"), std::string::npos);
  EXPECT_DOUBLE_EQ(p.byte_hops, 50);
}

}  // namespace
}  // namespace imcc::crossbar
