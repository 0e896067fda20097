#include "ir/shape_inference.h"

#include <algorithm>
#include <numeric>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "ir/support/status_macros.h"

namespace imcc::ir {
namespace {

using Types = std::vector<TensorType>;

// Attribute lookup with the attrs.def default.
class Attrs {
 public:
  Attrs(Op op, const AttributeMap& map) : op_(op), map_(map) {}
  absl::StatusOr<Attribute> Get(absl::string_view name) const {
    auto it = map_.find(name);
    if (it != map_.end()) return it->second;
    const AttrSpec* spec = FindAttrSpec(op_, name);
    if (spec == nullptr || spec->required()) {
      return absl::InvalidArgumentError(absl::StrCat("missing required attribute '", name, "'"));
    }
    return spec->default_value;
  }
  absl::StatusOr<int64_t> Int(absl::string_view name) const {
    IMCC_ASSIGN_OR_RETURN(Attribute a, Get(name));
    if (a.type() != AttrType::kInt) return TypeError(name, "int");
    return a.i();
  }
  absl::StatusOr<std::vector<int64_t>> Ints(absl::string_view name) const {
    IMCC_ASSIGN_OR_RETURN(Attribute a, Get(name));
    if (a.type() != AttrType::kInts) return TypeError(name, "ints");
    return a.ints();
  }
  absl::StatusOr<std::string> String(absl::string_view name) const {
    IMCC_ASSIGN_OR_RETURN(Attribute a, Get(name));
    if (a.type() != AttrType::kString) return TypeError(name, "string");
    return a.s();
  }

 private:
  static absl::Status TypeError(absl::string_view name, absl::string_view want) {
    return absl::InvalidArgumentError(absl::StrCat("attribute '", name, "' must be ", want));
  }
  Op op_;
  const AttributeMap& map_;
};

absl::Status Invalid(absl::string_view a, absl::string_view b = "", absl::string_view c = "",
                     absl::string_view d = "") {
  return absl::InvalidArgumentError(absl::StrCat(a, b, c, d));
}

// Normalises axis `a` of a rank-`rank` tensor to [0, rank).
absl::StatusOr<int64_t> NormAxis(int64_t a, int64_t rank, absl::string_view what) {
  if (a < -rank || a >= rank) {
    return Invalid(absl::StrCat(what, " ", a, " is out of range for rank ", rank));
  }
  return a < 0 ? a + rank : a;
}

absl::Status ExpectRank(const TensorType& t, int operand, int rank, absl::string_view role) {
  if (t.rank() != rank) {
    return Invalid(absl::StrCat("input ", operand, " (", role, ") has rank ", t.rank(),
                                ", expected ", rank));
  }
  return absl::OkStatus();
}

absl::Status SameDType(const Types& in, int a, int b) {
  if (in[a].dtype != in[b].dtype) {
    return Invalid(absl::StrCat("input ", a, " is ", DTypeName(in[a].dtype), " but input ", b,
                                " is ", DTypeName(in[b].dtype)));
  }
  return absl::OkStatus();
}

TensorType Make(DType dtype, Shape shape) {
  TensorType t;
  t.dtype = dtype;
  t.shape = std::move(shape);
  return t;
}

// Spatial window output size, ONNX semantics (explicit pads).
absl::StatusOr<Shape> WindowOutput(const Shape& in, const std::vector<int64_t>& kernel,
                                   std::vector<int64_t> strides, std::vector<int64_t> pads,
                                   std::vector<int64_t> dilations, bool ceil_mode) {
  const size_t n = in.size() - 2;
  if (kernel.size() != n) {
    return Invalid(absl::StrCat("kernel has ", kernel.size(), " spatial dims, input has ", n));
  }
  if (strides.empty()) strides.assign(n, 1);
  if (dilations.empty()) dilations.assign(n, 1);
  if (pads.empty()) pads.assign(2 * n, 0);
  if (strides.size() != n) return Invalid(absl::StrCat("'strides' needs ", n, " values"));
  if (dilations.size() != n) return Invalid(absl::StrCat("'dilations' needs ", n, " values"));
  if (pads.size() != 2 * n) return Invalid(absl::StrCat("'pads' needs ", 2 * n, " values"));
  Shape out(in.begin(), in.begin() + 2);
  for (size_t i = 0; i < n; ++i) {
    if (strides[i] <= 0 || dilations[i] <= 0 || kernel[i] <= 0 || pads[i] < 0 ||
        pads[i + n] < 0) {
      return Invalid(absl::StrCat("window parameters of spatial dim ", i, " must be positive"));
    }
    const int64_t span = dilations[i] * (kernel[i] - 1) + 1;
    const int64_t padded = in[i + 2] + pads[i] + pads[i + n];
    if (padded < span) {
      return Invalid(absl::StrCat("window ", span, " exceeds padded input ", padded,
                                  " in spatial dim ", i));
    }
    int64_t o = ceil_mode ? (padded - span + strides[i] - 1) / strides[i] + 1
                          : (padded - span) / strides[i] + 1;
    // ONNX/PyTorch: the last window must start inside the input or left pad.
    if (ceil_mode && (o - 1) * strides[i] >= in[i + 2] + pads[i]) --o;
    out.push_back(o);
  }
  return out;
}

absl::StatusOr<Types> InferUnary(Op, const Types& in, const Attrs&) { return Types{in[0]}; }

absl::StatusOr<Types> InferCast(Op, const Types& in, const Attrs& a) {
  IMCC_ASSIGN_OR_RETURN(std::string to, a.String("to"));
  IMCC_ASSIGN_OR_RETURN(DType dtype, DTypeFromName(to));
  return Types{Make(dtype, in[0].shape)};
}

absl::StatusOr<Types> InferBinary(Op, const Types& in, const Attrs&) {
  IMCC_RETURN_IF_ERROR(SameDType(in, 0, 1));
  IMCC_ASSIGN_OR_RETURN(Shape s, BroadcastShapes(in[0].shape, in[1].shape));
  return Types{Make(in[0].dtype, std::move(s))};
}

absl::StatusOr<Types> InferCompare(Op, const Types& in, const Attrs&) {
  IMCC_RETURN_IF_ERROR(SameDType(in, 0, 1));
  IMCC_ASSIGN_OR_RETURN(Shape s, BroadcastShapes(in[0].shape, in[1].shape));
  return Types{Make(DType::kBool, std::move(s))};
}

absl::StatusOr<Types> InferWhere(Op, const Types& in, const Attrs&) {
  if (in[0].dtype != DType::kBool) return Invalid("input 0 (condition) must be bool");
  IMCC_RETURN_IF_ERROR(SameDType(in, 1, 2));
  IMCC_ASSIGN_OR_RETURN(Shape s, BroadcastShapes(in[0].shape, in[1].shape));
  IMCC_ASSIGN_OR_RETURN(s, BroadcastShapes(s, in[2].shape));
  return Types{Make(in[1].dtype, std::move(s))};
}

absl::StatusOr<Types> InferConv(Op, const Types& in, const Attrs& a) {
  const TensorType& x = in[0];
  const TensorType& w = in[1];
  if (x.rank() < 3) return Invalid(absl::StrCat("input 0 (data) has rank ", x.rank(), ", expected >= 3"));
  IMCC_RETURN_IF_ERROR(ExpectRank(w, 1, x.rank(), "weight"));
  IMCC_ASSIGN_OR_RETURN(int64_t group, a.Int("group"));
  if (group <= 0) return Invalid(absl::StrCat("attribute 'group' must be > 0, got ", group));
  if (x.shape[1] % group != 0 || w.shape[0] % group != 0) {
    return Invalid(absl::StrCat("channels (in ", x.shape[1], ", out ", w.shape[0],
                                ") are not divisible by group ", group));
  }
  if (w.shape[1] * group != x.shape[1]) {
    return Invalid(absl::StrCat("weight expects ", w.shape[1] * group, " input channels (",
                                w.shape[1], " x group ", group, "), data has ", x.shape[1]));
  }
  if (in.size() == 3 && (in[2].rank() != 1 || in[2].shape[0] != w.shape[0])) {
    return Invalid(absl::StrCat("input 2 (bias) has shape ", ShapeToString(in[2].shape),
                                ", expected [", w.shape[0], "]"));
  }
  std::vector<int64_t> kernel(w.shape.begin() + 2, w.shape.end());
  IMCC_ASSIGN_OR_RETURN(auto strides, a.Ints("strides"));
  IMCC_ASSIGN_OR_RETURN(auto pads, a.Ints("pads"));
  IMCC_ASSIGN_OR_RETURN(auto dilations, a.Ints("dilations"));
  IMCC_ASSIGN_OR_RETURN(Shape out, WindowOutput(x.shape, kernel, strides, pads, dilations, false));
  out[1] = w.shape[0];
  return Types{Make(x.dtype, std::move(out))};
}

absl::StatusOr<Types> InferPool(Op op, const Types& in, const Attrs& a) {
  if (in[0].rank() < 3) return Invalid(absl::StrCat("input 0 has rank ", in[0].rank(), ", expected >= 3"));
  IMCC_ASSIGN_OR_RETURN(auto kernel, a.Ints("kernel_shape"));
  IMCC_ASSIGN_OR_RETURN(auto strides, a.Ints("strides"));
  IMCC_ASSIGN_OR_RETURN(auto pads, a.Ints("pads"));
  std::vector<int64_t> dilations;
  if (op == Op::kMaxPool) {
    IMCC_ASSIGN_OR_RETURN(dilations, a.Ints("dilations"));
  }
  IMCC_ASSIGN_OR_RETURN(int64_t ceil_mode, a.Int("ceil_mode"));
  IMCC_ASSIGN_OR_RETURN(Shape out,
                        WindowOutput(in[0].shape, kernel, strides, pads, dilations, ceil_mode != 0));
  return Types{Make(in[0].dtype, std::move(out))};
}

absl::StatusOr<Types> InferGlobalPool(Op, const Types& in, const Attrs&) {
  if (in[0].rank() < 3) return Invalid(absl::StrCat("input 0 has rank ", in[0].rank(), ", expected >= 3"));
  Shape s = in[0].shape;
  for (size_t i = 2; i < s.size(); ++i) s[i] = 1;
  return Types{Make(in[0].dtype, std::move(s))};
}

absl::StatusOr<Types> InferBatchNorm(Op, const Types& in, const Attrs&) {
  if (in[0].rank() < 2) return Invalid("input 0 (data) must have rank >= 2");
  static constexpr absl::string_view kRoles[] = {"", "scale", "bias", "mean", "var"};
  for (int i = 1; i < 5; ++i) {
    if (in[i].shape != Shape{in[0].shape[1]}) {
      return Invalid(absl::StrCat("input ", i, " (", kRoles[i], ") has shape ",
                                  ShapeToString(in[i].shape), ", expected [", in[0].shape[1], "]"));
    }
  }
  return Types{in[0]};
}

absl::StatusOr<Types> InferGemm(Op, const Types& in, const Attrs& a) {
  IMCC_RETURN_IF_ERROR(ExpectRank(in[0], 0, 2, "a"));
  IMCC_RETURN_IF_ERROR(ExpectRank(in[1], 1, 2, "b"));
  IMCC_RETURN_IF_ERROR(SameDType(in, 0, 1));
  IMCC_ASSIGN_OR_RETURN(int64_t ta, a.Int("trans_a"));
  IMCC_ASSIGN_OR_RETURN(int64_t tb, a.Int("trans_b"));
  const int64_t m = ta ? in[0].shape[1] : in[0].shape[0];
  const int64_t k = ta ? in[0].shape[0] : in[0].shape[1];
  const int64_t kb = tb ? in[1].shape[1] : in[1].shape[0];
  const int64_t n = tb ? in[1].shape[0] : in[1].shape[1];
  if (k != kb) {
    return Invalid(absl::StrCat("inner dimensions differ: a gives ", k, ", b gives ", kb));
  }
  if (in.size() == 3) {
    IMCC_ASSIGN_OR_RETURN(Shape c, BroadcastShapes(in[2].shape, {m, n}));
    if (c != Shape{m, n}) {
      return Invalid(absl::StrCat("input 2 (c) of shape ", ShapeToString(in[2].shape),
                                  " does not broadcast to [", m, ",", n, "]"));
    }
  }
  return Types{Make(in[0].dtype, {m, n})};
}

absl::StatusOr<Types> InferMatMul(Op, const Types& in, const Attrs&) {
  IMCC_RETURN_IF_ERROR(SameDType(in, 0, 1));
  Shape a = in[0].shape;
  Shape b = in[1].shape;
  if (a.empty() || b.empty()) return Invalid("operands of a matrix product must have rank >= 1");
  const bool a_vec = a.size() == 1;
  const bool b_vec = b.size() == 1;
  if (a_vec) a.insert(a.begin(), 1);
  if (b_vec) b.push_back(1);
  if (a.back() != b[b.size() - 2]) {
    return Invalid(absl::StrCat("inner dimensions differ: ", ShapeToString(in[0].shape), " x ",
                                ShapeToString(in[1].shape)));
  }
  Shape ba(a.begin(), a.end() - 2);
  Shape bb(b.begin(), b.end() - 2);
  IMCC_ASSIGN_OR_RETURN(Shape out, BroadcastShapes(ba, bb));
  if (!a_vec) out.push_back(a[a.size() - 2]);
  if (!b_vec) out.push_back(b.back());
  return Types{Make(in[0].dtype, std::move(out))};
}

absl::StatusOr<Types> InferLayerNorm(Op, const Types& in, const Attrs& a) {
  IMCC_ASSIGN_OR_RETURN(int64_t axis, a.Int("axis"));
  IMCC_ASSIGN_OR_RETURN(axis, NormAxis(axis, in[0].rank(), "axis"));
  Shape norm(in[0].shape.begin() + axis, in[0].shape.end());
  for (size_t i = 1; i < in.size(); ++i) {
    IMCC_ASSIGN_OR_RETURN(Shape s, BroadcastShapes(in[i].shape, norm));
    if (s != norm) {
      return Invalid(absl::StrCat("input ", i, " of shape ", ShapeToString(in[i].shape),
                                  " does not broadcast to the normalised shape ",
                                  ShapeToString(norm)));
    }
  }
  return Types{in[0]};
}

absl::StatusOr<Types> InferSoftmax(Op, const Types& in, const Attrs& a) {
  IMCC_ASSIGN_OR_RETURN(int64_t axis, a.Int("axis"));
  IMCC_RETURN_IF_ERROR(NormAxis(axis, in[0].rank(), "axis").status());
  return Types{in[0]};
}

absl::StatusOr<std::vector<int64_t>> NormAxes(const std::vector<int64_t>& axes, int64_t rank) {
  std::vector<int64_t> out;
  for (int64_t ax : axes) {
    IMCC_ASSIGN_OR_RETURN(int64_t n, NormAxis(ax, rank, "axis"));
    if (std::find(out.begin(), out.end(), n) != out.end()) {
      return Invalid(absl::StrCat("axis ", ax, " is repeated"));
    }
    out.push_back(n);
  }
  return out;
}

absl::StatusOr<Types> InferReduce(Op, const Types& in, const Attrs& a) {
  IMCC_ASSIGN_OR_RETURN(auto axes, a.Ints("axes"));
  IMCC_ASSIGN_OR_RETURN(int64_t keep, a.Int("keepdims"));
  IMCC_ASSIGN_OR_RETURN(axes, NormAxes(axes, in[0].rank()));
  if (axes.empty()) {
    axes.resize(in[0].rank());
    std::iota(axes.begin(), axes.end(), 0);
  }
  Shape out;
  for (int i = 0; i < in[0].rank(); ++i) {
    const bool reduced = std::find(axes.begin(), axes.end(), i) != axes.end();
    if (!reduced) out.push_back(in[0].shape[i]);
    else if (keep) out.push_back(1);
  }
  return Types{Make(in[0].dtype, std::move(out))};
}

absl::StatusOr<Types> InferConcat(Op, const Types& in, const Attrs& a) {
  IMCC_ASSIGN_OR_RETURN(int64_t axis, a.Int("axis"));
  IMCC_ASSIGN_OR_RETURN(axis, NormAxis(axis, in[0].rank(), "axis"));
  Shape out = in[0].shape;
  for (size_t i = 1; i < in.size(); ++i) {
    IMCC_RETURN_IF_ERROR(SameDType(in, 0, i));
    if (in[i].rank() != in[0].rank()) {
      return Invalid(absl::StrCat("input ", i, " has rank ", in[i].rank(), ", input 0 has ",
                                  in[0].rank()));
    }
    for (int d = 0; d < in[0].rank(); ++d) {
      if (d != axis && in[i].shape[d] != out[d]) {
        return Invalid(absl::StrCat("input ", i, " has shape ", ShapeToString(in[i].shape),
                                    ", incompatible with ", ShapeToString(in[0].shape),
                                    " outside axis ", axis));
      }
    }
    out[axis] += in[i].shape[axis];
  }
  return Types{Make(in[0].dtype, std::move(out))};
}

absl::StatusOr<Types> InferExpand(Op, const Types& in, const Attrs& a) {
  IMCC_ASSIGN_OR_RETURN(auto shape, a.Ints("shape"));
  IMCC_ASSIGN_OR_RETURN(Shape out, BroadcastShapes(in[0].shape, shape));
  return Types{Make(in[0].dtype, std::move(out))};
}

absl::StatusOr<Types> InferFlatten(Op, const Types& in, const Attrs& a) {
  IMCC_ASSIGN_OR_RETURN(int64_t axis, a.Int("axis"));
  const int64_t r = in[0].rank();
  if (axis < -r || axis > r) return Invalid(absl::StrCat("axis ", axis, " is out of range for rank ", r));
  if (axis < 0) axis += r;
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < r; ++i) (i < axis ? outer : inner) *= in[0].shape[i];
  return Types{Make(in[0].dtype, {outer, inner})};
}

absl::StatusOr<Types> InferGather(Op, const Types& in, const Attrs& a) {
  if (!IsInteger(in[1].dtype)) return Invalid("input 1 (indices) must be an integer tensor");
  IMCC_ASSIGN_OR_RETURN(int64_t axis, a.Int("axis"));
  IMCC_ASSIGN_OR_RETURN(axis, NormAxis(axis, in[0].rank(), "axis"));
  Shape out(in[0].shape.begin(), in[0].shape.begin() + axis);
  out.insert(out.end(), in[1].shape.begin(), in[1].shape.end());
  out.insert(out.end(), in[0].shape.begin() + axis + 1, in[0].shape.end());
  return Types{Make(in[0].dtype, std::move(out))};
}

absl::StatusOr<Types> InferPad(Op, const Types& in, const Attrs& a) {
  IMCC_ASSIGN_OR_RETURN(auto pads, a.Ints("pads"));
  IMCC_ASSIGN_OR_RETURN(std::string mode, a.String("mode"));
  if (mode != "constant" && mode != "reflect" && mode != "edge") {
    return Invalid("attribute 'mode' must be constant, reflect or edge, got '", mode, "'");
  }
  const int r = in[0].rank();
  if (static_cast<int>(pads.size()) != 2 * r) {
    return Invalid(absl::StrCat("'pads' has ", pads.size(), " values, expected ", 2 * r));
  }
  Shape out = in[0].shape;
  for (int i = 0; i < r; ++i) {
    out[i] += pads[i] + pads[i + r];
    if (out[i] < 0) return Invalid(absl::StrCat("padding makes dim ", i, " negative"));
  }
  return Types{Make(in[0].dtype, std::move(out))};
}

absl::StatusOr<Types> InferReshape(Op, const Types& in, const Attrs& a) {
  IMCC_ASSIGN_OR_RETURN(auto shape, a.Ints("shape"));
  for (int64_t d : shape) {
    if (d < 0) return Invalid("'shape' must be static (no -1), got ", ShapeToString(shape));
  }
  if (NumElements(shape) != in[0].num_elements()) {
    return Invalid(absl::StrCat("cannot reshape ", ShapeToString(in[0].shape), " (",
                                in[0].num_elements(), " elements) to ", ShapeToString(shape)));
  }
  return Types{Make(in[0].dtype, std::move(shape))};
}

absl::StatusOr<Types> InferSlice(Op, const Types& in, const Attrs& a) {
  IMCC_ASSIGN_OR_RETURN(auto starts, a.Ints("starts"));
  IMCC_ASSIGN_OR_RETURN(auto ends, a.Ints("ends"));
  IMCC_ASSIGN_OR_RETURN(auto axes, a.Ints("axes"));
  IMCC_ASSIGN_OR_RETURN(auto steps, a.Ints("steps"));
  const int64_t r = in[0].rank();
  if (axes.empty()) {
    for (size_t i = 0; i < starts.size(); ++i) axes.push_back(i);
  }
  if (steps.empty()) steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() ||
      steps.size() != starts.size()) {
    return Invalid("'starts', 'ends', 'axes' and 'steps' must have equal lengths");
  }
  IMCC_ASSIGN_OR_RETURN(axes, NormAxes(axes, r));
  Shape out = in[0].shape;
  for (size_t i = 0; i < axes.size(); ++i) {
    const int64_t dim = in[0].shape[axes[i]];
    const int64_t step = steps[i];
    if (step == 0) return Invalid("'steps' must not contain 0");
    int64_t s = starts[i] < 0 ? starts[i] + dim : starts[i];
    int64_t e = ends[i] < 0 ? ends[i] + dim : ends[i];
    if (step > 0) {
      s = std::clamp<int64_t>(s, 0, dim);
      e = std::clamp<int64_t>(e, 0, dim);
      out[axes[i]] = e > s ? (e - s + step - 1) / step : 0;
    } else {
      s = std::clamp<int64_t>(s, 0, dim - 1);
      e = std::clamp<int64_t>(e, -1, dim - 1);
      out[axes[i]] = s > e ? (s - e + (-step) - 1) / (-step) : 0;
    }
  }
  return Types{Make(in[0].dtype, std::move(out))};
}

absl::StatusOr<Types> InferSplit(Op, const Types& in, const Attrs& a) {
  IMCC_ASSIGN_OR_RETURN(int64_t axis, a.Int("axis"));
  IMCC_ASSIGN_OR_RETURN(axis, NormAxis(axis, in[0].rank(), "axis"));
  IMCC_ASSIGN_OR_RETURN(auto split, a.Ints("split"));
  int64_t total = 0;
  for (int64_t s : split) {
    if (s < 0) return Invalid("'split' sizes must be >= 0");
    total += s;
  }
  if (total != in[0].shape[axis]) {
    return Invalid(absl::StrCat("'split' sizes sum to ", total, ", axis ", axis, " has ",
                                in[0].shape[axis]));
  }
  Types out;
  for (int64_t s : split) {
    Shape shape = in[0].shape;
    shape[axis] = s;
    out.push_back(Make(in[0].dtype, std::move(shape)));
  }
  return out;
}

absl::StatusOr<Types> InferSqueeze(Op, const Types& in, const Attrs& a) {
  IMCC_ASSIGN_OR_RETURN(auto axes, a.Ints("axes"));
  IMCC_ASSIGN_OR_RETURN(axes, NormAxes(axes, in[0].rank()));
  Shape out;
  for (int i = 0; i < in[0].rank(); ++i) {
    if (std::find(axes.begin(), axes.end(), i) == axes.end()) {
      out.push_back(in[0].shape[i]);
    } else if (in[0].shape[i] != 1) {
      return Invalid(absl::StrCat("cannot squeeze axis ", i, " of size ", in[0].shape[i]));
    }
  }
  return Types{Make(in[0].dtype, std::move(out))};
}

absl::StatusOr<Types> InferTranspose(Op, const Types& in, const Attrs& a) {
  IMCC_ASSIGN_OR_RETURN(auto perm, a.Ints("perm"));
  const int r = in[0].rank();
  if (perm.empty()) {
    for (int i = r - 1; i >= 0; --i) perm.push_back(i);
  }
  std::vector<int64_t> sorted = perm;
  std::sort(sorted.begin(), sorted.end());
  for (int i = 0; i < static_cast<int>(sorted.size()); ++i) {
    if (sorted.size() != static_cast<size_t>(r) || sorted[i] != i) {
      return Invalid(absl::StrCat("'perm' [", absl::StrJoin(perm, ","),
                                  "] is not a permutation of 0..", r - 1));
    }
  }
  Shape out;
  for (int64_t p : perm) out.push_back(in[0].shape[p]);
  return Types{Make(in[0].dtype, std::move(out))};
}

absl::StatusOr<Types> InferUnsqueeze(Op, const Types& in, const Attrs& a) {
  IMCC_ASSIGN_OR_RETURN(auto axes, a.Ints("axes"));
  const int64_t r = in[0].rank() + static_cast<int64_t>(axes.size());
  IMCC_ASSIGN_OR_RETURN(axes, NormAxes(axes, r));
  Shape out;
  size_t next = 0;
  for (int64_t i = 0; i < r; ++i) {
    if (std::find(axes.begin(), axes.end(), i) != axes.end()) out.push_back(1);
    else out.push_back(in[0].shape[next++]);
  }
  return Types{Make(in[0].dtype, std::move(out))};
}

}  // namespace

int64_t BroadcastIndex(int64_t o, const Shape& out, const Shape& in) {
  int64_t idx = 0, stride = 1;
  const size_t off = out.size() - in.size();
  for (int64_t d = static_cast<int64_t>(out.size()) - 1; d >= 0; --d) {
    const int64_t coord = o % out[d];
    o /= out[d];
    if (d >= static_cast<int64_t>(off)) {
      const int64_t dim = in[d - off];
      if (dim != 1) idx += coord * stride;
      stride *= dim;
    }
  }
  return idx;
}

bool QuantisedProduct(Op op, const std::vector<TensorType>& in) {
  return (op == Op::kConv || op == Op::kGemm || op == Op::kMatMul) && in.size() >= 2 &&
         in[0].quant.has_value() && in[1].quant.has_value();
}

absl::StatusOr<Shape> BroadcastShapes(const Shape& a, const Shape& b) {
  const size_t n = std::max(a.size(), b.size());
  Shape out(n);
  for (size_t i = 0; i < n; ++i) {
    const int64_t da = i < n - a.size() ? 1 : a[i - (n - a.size())];
    const int64_t db = i < n - b.size() ? 1 : b[i - (n - b.size())];
    if (da != db && da != 1 && db != 1) {
      return Invalid(absl::StrCat("shapes ", ShapeToString(a), " and ", ShapeToString(b),
                                  " do not broadcast"));
    }
    out[i] = da == 1 ? db : da;
  }
  return out;
}

absl::StatusOr<std::vector<TensorType>> InferResultTypes(
    Op op, const std::vector<TensorType>& input_types, const AttributeMap& attrs) {
  const OpInfo& info = GetOpInfo(op);
  const int n = static_cast<int>(input_types.size());
  if (n < info.min_inputs || (info.max_inputs >= 0 && n > info.max_inputs)) {
    return Invalid(absl::StrCat(info.name, " takes ",
                                info.min_inputs == info.max_inputs
                                    ? absl::StrCat(info.min_inputs)
                                    : absl::StrCat(info.min_inputs, " to ",
                                                   info.max_inputs < 0 ? std::string("any")
                                                                       : absl::StrCat(info.max_inputs)),
                                " inputs, got ", n));
  }
  for (const auto& [name, value] : attrs) {
    const AttrSpec* spec = FindAttrSpec(op, name);
    if (spec == nullptr) {
      return Invalid(absl::StrCat(info.name, " has no attribute '", name, "'"));
    }
    if (value.empty() || value.type() != spec->type) {
      return Invalid(absl::StrCat("attribute '", name, "' must be ", AttrTypeName(spec->type)));
    }
  }
  Attrs a(op, attrs);
  if (QuantisedProduct(op, input_types)) {
    // Integer operands of different widths multiply fine; the result is real.
    std::vector<TensorType> as_real = input_types;
    for (size_t i = 0; i < 2; ++i) {
      as_real[i].dtype = DType::kF32;
      as_real[i].quant.reset();
    }
    if (as_real.size() > 2) as_real[2].dtype = DType::kF32;
    return InferResultTypes(op, as_real, attrs);
  }
  switch (op) {
#define IMCC_OP(kEnum, name, min_in, max_in, num_out, rule, summary) \
  case Op::kEnum:                                                    \
    return Infer##rule(op, input_types, a);
#include "ir/ops.def"
#undef IMCC_OP
  }
  return absl::InternalError("unknown op");
}

absl::StatusOr<std::vector<TensorType>> InferResultTypes(const Graph& graph, const Node& node) {
  std::vector<TensorType> in;
  in.reserve(node.inputs.size());
  for (ValueId id : node.inputs) in.push_back(graph.value(id).type);
  return InferResultTypes(node.op, in, node.attrs);
}

}  // namespace imcc::ir
