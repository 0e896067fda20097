#include "backends/crossbar/layer_matrix.h"

#include <algorithm>

#include "hwmodels/cost.h"

namespace imcc::crossbar {
namespace {

int64_t CeilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

bool IsWeight(const ir::Graph& g, ir::ValueId id) {
  return g.value(id).kind == ir::ValueKind::kWeight;
}

}  // namespace

std::vector<MvmLayer> ExtractMvmLayers(const ir::Module& module) {
  const ir::Graph& g = module.graph();
  std::vector<MvmLayer> out;
  for (int i = 0; i < g.num_nodes(); ++i) {
    const ir::Node& n = g.node(i);
    if (n.inputs.size() < 2 || !IsWeight(g, n.inputs[1])) continue;
    const ir::Shape& w = g.value(n.inputs[1]).type.shape;
    const ir::Shape& y = g.value(n.outputs[0]).type.shape;
    MvmLayer l;
    l.node = i;
    l.name = n.name;
    if (n.op == ir::Op::kConv) {
      l.groups = n.GetInt("group");
      l.cols = w[0] / l.groups;
      l.rows = 1;
      for (size_t d = 1; d < w.size(); ++d) l.rows *= w[d];
      l.mvms = y[0];
      for (size_t d = 2; d < y.size(); ++d) l.mvms *= y[d];
    } else if (n.op == ir::Op::kGemm) {
      const bool tb = n.GetInt("trans_b") != 0;
      l.rows = tb ? w[1] : w[0];
      l.cols = tb ? w[0] : w[1];
      l.mvms = y[0];
    } else if (n.op == ir::Op::kMatMul && w.size() == 2) {
      l.rows = w[0];
      l.cols = w[1];
      l.mvms = ir::NumElements(y) / y.back();
    } else {
      continue;
    }
    out.push_back(l);
  }
  return out;
}

Tiling TileLayer(const MvmLayer& l, const hw::Array& a) {
  Tiling t;
  const int64_t slices = CeilDiv(a.weight_bits(), a.cell_bits());
  const int64_t wcols = hw::WeightColumnsPerArray(a);
  t.used_cells = l.groups * l.rows * l.cols * slices;
  if (l.groups > 1 && l.rows <= a.rows() && l.cols <= wcols) {
    t.groups_per_array = std::min<int64_t>(a.rows() / l.rows, wcols / l.cols);
    t.row_tiles = 1;
    t.col_tiles = 1;
    t.arrays = CeilDiv(l.groups, t.groups_per_array);
    return t;
  }
  t.row_tiles = CeilDiv(l.rows, a.rows());
  t.col_tiles = CeilDiv(l.cols, wcols);
  t.arrays = l.groups * t.row_tiles * t.col_tiles;
  return t;
}

ArrayTile TileOnArray(const MvmLayer& l, const Tiling& t, const hw::Array& a) {
  if (t.groups_per_array > 1) return {t.groups_per_array * l.rows, t.groups_per_array * l.cols};
  return {std::min<int64_t>(l.rows, a.rows()), std::min<int64_t>(l.cols, hw::WeightColumnsPerArray(a))};
}

}  // namespace imcc::crossbar
