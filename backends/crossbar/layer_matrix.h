// Lowering view of a module for crossbar PIM (PIMCOMP's "node partition",
// CIM-MLC's virtual crossbar): every convolution, gemm and matmul with a
// weight operand becomes a weight matrix of rows (unfolded input length) x
// cols (outputs) per group, driven by `mvms` matrix-vector products per
// sample; tiling it onto arrays gives the crossbars one replica needs.
// Grouped and depthwise convolutions are block-diagonal: several groups
// share a crossbar along its diagonal instead of a dense matrix.
#ifndef IMCC_BACKENDS_CROSSBAR_LAYER_MATRIX_H_
#define IMCC_BACKENDS_CROSSBAR_LAYER_MATRIX_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "hwmodels/proto/hardware.pb.h"
#include "ir/module.h"

namespace imcc::crossbar {

struct MvmLayer {
  int node = -1;             // index of the node in the graph
  std::string name;          // node name
  int64_t rows = 0;          // per group: C_in/group * prod(kernel), or K
  int64_t cols = 0;          // per group: C_out/group, or N
  int64_t groups = 1;
  int64_t mvms = 0;          // matrix-vector products per sample
  int64_t macs() const { return mvms * rows * cols * groups; }
};

// Returns the weight-stationary layers of `module` in node order: nn.conv,
// nn.gemm with a weight as b (trans_b either way) and nn.matmul whose second
// operand is a weight. Products of two activations stay on vector units.
std::vector<MvmLayer> ExtractMvmLayers(const ir::Module& module);

struct Tiling {
  int64_t row_tiles = 0;        // per group (1 when groups share crossbars)
  int64_t col_tiles = 0;
  int64_t groups_per_array = 1; // block-diagonal packing
  int64_t arrays = 0;           // crossbars for one replica
  int64_t used_cells = 0;       // physical cells holding weights
};

// Tiles `layer` onto arrays of `array`: weight bits are sliced over
// ceil(weight_bits / cell_bits) physical columns. When a group fits one
// array (rows <= array rows and cols <= weight columns per array), groups
// are packed min(array rows / rows, weight cols / cols) to an array along
// the diagonal; otherwise every group is tiled separately.
Tiling TileLayer(const MvmLayer& layer, const hw::Array& array);

// The weight block one array of `tiling` holds: block-diagonal groups, or
// a row x column tile of one group (the largest, for timing).
struct ArrayTile {
  int64_t rows = 0;
  int64_t cols = 0;  // logical weight columns
};
ArrayTile TileOnArray(const MvmLayer& layer, const Tiling& tiling, const hw::Array& array);

}  // namespace imcc::crossbar

#endif  // IMCC_BACKENDS_CROSSBAR_LAYER_MATRIX_H_
