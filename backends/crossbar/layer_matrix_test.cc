#include "backends/crossbar/layer_matrix.h"

#include <cstdlib>

#include "frontends/onnx/onnx_importer.h"
#include "gtest/gtest.h"
#include "hwmodels/hardware.h"
#include "ir/parser.h"
#include "ir/support/status_matchers.h"
#include "passes/analysis/op_stats.h"

namespace imcc::crossbar {
namespace {

std::string Model(const std::string& name) {
  return std::string(std::getenv("TEST_SRCDIR")) + "/imcc/testdata/models/" + name + ".onnx";
}

TEST(LayerMatrixTest, ConvUnfoldsToKxKxCinRows) {
  IMCC_ASSERT_OK_AND_ASSIGN(ir::Module m, ir::ParseModule(R"(module @m {
  input %x : f32[1,64,56,56]
  weight %w : f32[64,64,3,3]
  %y = nn.conv(%x, %w) {pads=[1,1,1,1]} : f32[1,64,56,56] @conv
  output %y
})"));
  const std::vector<MvmLayer> layers = ExtractMvmLayers(m);
  ASSERT_EQ(layers.size(), 1u);
  EXPECT_EQ(layers[0].rows, 576);
  EXPECT_EQ(layers[0].cols, 64);
  EXPECT_EQ(layers[0].mvms, 56 * 56);
  // ISAAC: 16-bit weights on 2-bit cells = 16 weight columns per array.
  const Tiling t = TileLayer(layers[0], hw::LoadTarget("isaac")->chip().core().array());
  EXPECT_EQ(t.row_tiles, 5);  // 576 / 128
  EXPECT_EQ(t.col_tiles, 4);  // 64 / 16
  EXPECT_EQ(t.arrays, 20);
  // PIMCOMP's logical crossbars hold 128 full-precision weight columns.
  EXPECT_EQ(TileLayer(layers[0], hw::LoadTarget("pimcomp-default")->chip().core().array()).arrays, 5);
}

TEST(LayerMatrixTest, DepthwiseConvPacksGroupsBlockDiagonally) {
  MvmLayer dw;
  dw.rows = 9;  // 3x3, one input channel per group
  dw.cols = 1;
  dw.groups = 32;
  dw.mvms = 112 * 112;
  const Tiling t = TileLayer(dw, hw::LoadTarget("isaac")->chip().core().array());
  EXPECT_EQ(t.groups_per_array, 14);  // min(128 / 9, 16 / 1)
  EXPECT_EQ(t.arrays, 3);             // not 32 dense 288 x 32 tiles
  EXPECT_EQ(t.used_cells, 32 * 9 * 1 * 8);
}

TEST(LayerMatrixTest, Resnet18LayersCarryAllItsMacs) {
  IMCC_ASSERT_OK_AND_ASSIGN(ir::Module m, frontends::ImportOnnxFile(Model("resnet18")));
  const std::vector<MvmLayer> layers = ExtractMvmLayers(m);
  EXPECT_EQ(layers.size(), 21u);  // 20 convolutions + the classifier
  int64_t macs = 0;
  for (const MvmLayer& l : layers) macs += l.macs();
  passes::AnalysisManager am(m);
  EXPECT_EQ(macs, am.Get<passes::OpStatsAnalysis>().macs());
}

TEST(LayerMatrixTest, MobilenetWeightFootprintStaysSmall) {
  // The peer defect this guards against: dense mapping of depthwise layers
  // inflates MobileNetV2 to tens of MB of crossbar cells.
  IMCC_ASSERT_OK_AND_ASSIGN(ir::Module m, frontends::ImportOnnxFile(Model("mobilenet_v2")));
  const hw::Array a = hw::LoadTarget("pimcomp-default")->chip().core().array();
  int64_t cells = 0;
  for (const MvmLayer& l : ExtractMvmLayers(m)) cells += TileLayer(l, a).used_cells;
  EXPECT_LT(cells * 2, 10'000'000);  // under 10 MB of 16-bit weights (3.5 M parameters)
}

}  // namespace
}  // namespace imcc::crossbar
