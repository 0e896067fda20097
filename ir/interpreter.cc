#include "ir/interpreter.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <numeric>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "ir/shape_inference.h"
#include "ir/support/status_macros.h"

namespace imcc::ir {
namespace {

// ----------------------------- rounding -----------------------------------

uint16_t FloatToHalfBits(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  const uint32_t sign = (x >> 16) & 0x8000;
  int32_t exp = static_cast<int32_t>((x >> 23) & 0xff) - 127 + 15;
  uint32_t mant = x & 0x7fffff;
  if (((x >> 23) & 0xff) == 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);  // inf/nan
  if (exp >= 31) return sign | 0x7c00;
  if (exp <= 0) {
    if (exp < -10) return sign;
    mant |= 0x800000;
    const int shift = 14 - exp;
    uint32_t half = mant >> shift;
    const uint32_t rem = mant & ((1u << shift) - 1);
    const uint32_t mid = 1u << (shift - 1);
    if (rem > mid || (rem == mid && (half & 1))) ++half;
    return sign | half;
  }
  uint32_t half = sign | (exp << 10) | (mant >> 13);
  const uint32_t rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem == 0x1000 && (half & 1))) ++half;
  return static_cast<uint16_t>(half);
}

float HalfBitsToFloat(uint16_t h) {
  const uint32_t sign = (h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1f;
  uint32_t mant = h & 0x3ff;
  uint32_t x;
  if (exp == 0) {
    if (mant == 0) {
      x = sign;
    } else {
      exp = 127 - 15 + 1;
      while (!(mant & 0x400)) {
        mant <<= 1;
        --exp;
      }
      mant &= 0x3ff;
      x = sign | (exp << 23) | (mant << 13);
    }
  } else if (exp == 31) {
    x = sign | 0x7f800000 | (mant << 13);
  } else {
    x = sign | ((exp - 15 + 127) << 23) | (mant << 13);
  }
  float f;
  std::memcpy(&f, &x, 4);
  return f;
}

float RoundToBf16(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  if ((x & 0x7f800000) != 0x7f800000) x += 0x7fff + ((x >> 16) & 1);
  x &= 0xffff0000;
  float r;
  std::memcpy(&r, &x, 4);
  return r;
}

double IntMin(DType d) {
  switch (d) {
    case DType::kI64: return -9223372036854775808.0;
    case DType::kI32: return std::numeric_limits<int32_t>::min();
    case DType::kI8: return -128;
    case DType::kU8: return 0;
    case DType::kI4: return -8;
    default: return 0;
  }
}
double IntMax(DType d) {
  switch (d) {
    case DType::kI64: return 9223372036854775807.0;
    case DType::kI32: return std::numeric_limits<int32_t>::max();
    case DType::kI8: return 127;
    case DType::kU8: return 255;
    case DType::kI4: return 7;
    default: return 0;
  }
}

double RoundTo(DType d, double v) {
  switch (d) {
    case DType::kF32: return static_cast<float>(v);
    case DType::kF16: return HalfBitsToFloat(FloatToHalfBits(static_cast<float>(v)));
    case DType::kBF16: return RoundToBf16(static_cast<float>(v));
    case DType::kBool: return v != 0 ? 1 : 0;
    default:
      if (std::isnan(v)) return 0;
      return std::clamp(std::trunc(v), IntMin(d), IntMax(d));
  }
}

// Round half to even, clamp: the requantisation rule.
double Quantize(double real, double scale, int32_t zp, DType d) {
  const double q = std::nearbyint(real / scale) + zp;  // default rounding mode: to even
  return std::clamp(q, IntMin(d), IntMax(d));
}

// ---------------------------- tensor helpers ------------------------------

std::vector<int64_t> Strides(const Shape& s) {
  std::vector<int64_t> st(s.size(), 1);
  for (int i = static_cast<int>(s.size()) - 2; i >= 0; --i) st[i] = st[i + 1] * s[i + 1];
  return st;
}


// Real values of a (possibly quantised) tensor.
std::vector<double> Real(const HostTensor& t) {
  if (!t.type.quant.has_value()) return t.data;
  const QuantParams& q = *t.type.quant;
  std::vector<double> out(t.data.size());
  const int64_t axis = q.axis.value_or(-1);
  const int64_t inner = axis >= 0 ? Strides(t.type.shape)[axis] : 1;
  const int64_t dim = axis >= 0 ? t.type.shape[axis] : 1;
  for (size_t i = 0; i < out.size(); ++i) {
    const int64_t c = axis >= 0 ? (static_cast<int64_t>(i) / inner) % dim : 0;
    const int32_t zp = q.zero_points.empty() ? 0 : q.zero_points[c];
    out[i] = static_cast<double>(q.scales[c]) * (t.data[i] - zp);
  }
  return out;
}

// Stores real `values` into a tensor of `type` (quantising if it is).
HostTensor FromReal(const TensorType& type, std::vector<double> values) {
  HostTensor t;
  t.type = type;
  if (type.quant.has_value()) {
    const QuantParams& q = *type.quant;
    const int64_t axis = q.axis.value_or(-1);
    const int64_t inner = axis >= 0 ? Strides(type.shape)[axis] : 1;
    const int64_t dim = axis >= 0 ? type.shape[axis] : 1;
    for (size_t i = 0; i < values.size(); ++i) {
      const int64_t c = axis >= 0 ? (static_cast<int64_t>(i) / inner) % dim : 0;
      values[i] = Quantize(values[i], q.scales[c], q.zero_points.empty() ? 0 : q.zero_points[c], type.dtype);
    }
    t.data = std::move(values);
    return t;
  }
  for (double& v : values) v = RoundTo(type.dtype, v);
  t.data = std::move(values);
  return t;
}

absl::Status Unimplemented(const Node& n, absl::string_view what) {
  return absl::UnimplementedError(absl::StrCat("interpreter: node '", n.name, "' (", OpName(n.op), "): ", what));
}

// The operand of a product: integer view (q - zp) with per-channel scales
// when quantised, else real values with scale 1.
struct ProductOperand {
  std::vector<double> values;
  bool quantised = false;
  int axis = -1;                 // per-channel axis, or -1
  std::vector<double> scales;    // size 1 or per channel
};

ProductOperand Operand(const HostTensor& t) {
  ProductOperand p;
  if (!t.type.quant.has_value()) {
    p.values = t.data;
    p.scales = {1.0};
    return p;
  }
  const QuantParams& q = *t.type.quant;
  p.quantised = true;
  p.axis = q.axis.value_or(-1);
  p.scales.assign(q.scales.begin(), q.scales.end());
  const int64_t inner = p.axis >= 0 ? Strides(t.type.shape)[p.axis] : 1;
  const int64_t dim = p.axis >= 0 ? t.type.shape[p.axis] : 1;
  p.values.resize(t.data.size());
  for (size_t i = 0; i < t.data.size(); ++i) {
    const int64_t c = p.axis >= 0 ? (static_cast<int64_t>(i) / inner) % dim : 0;
    p.values[i] = t.data[i] - (q.zero_points.empty() ? 0 : q.zero_points[c]);
  }
  return p;
}

// Applies the integer-product post-scale: with both operands quantised the
// accumulator holds exact integers; scale once per output channel.
double PostScale(const ProductOperand& x, const ProductOperand& w, int64_t channel) {
  if (!x.quantised && !w.quantised) return 1.0;
  const double sx = x.scales[0];
  const double sw = w.scales.size() == 1 ? w.scales[0] : w.scales[channel];
  return sx * sw;
}

using Env = std::vector<HostTensor>;  // by value id

class Runner {
 public:
  Runner(const Module& m, Env& env) : g_(m.graph()), env_(env) {}
  absl::Status RunNode(const Node& n);

 private:
  const HostTensor& In(const Node& n, int i) { return env_[n.inputs[i]]; }
  const TensorType& OutType(const Node& n, int i = 0) { return g_.value(n.outputs[i]).type; }
  void Set(const Node& n, int i, HostTensor t) { env_[n.outputs[i]] = std::move(t); }
  void SetReal(const Node& n, std::vector<double> v) { Set(n, 0, FromReal(OutType(n), std::move(v))); }

  absl::Status Unary(const Node& n);
  absl::Status Binary(const Node& n);
  absl::Status Conv(const Node& n);
  absl::Status Pool(const Node& n);
  absl::Status Gemm(const Node& n);
  absl::Status MatMul(const Node& n);
  absl::Status Reduce(const Node& n);
  absl::Status Softmax(const Node& n);

  const Graph& g_;
  Env& env_;
};

absl::Status Runner::Unary(const Node& n) {
  const std::vector<double> x = Real(In(n, 0));
  std::function<double(double)> f;
  switch (n.op) {
    case Op::kAbs: f = [](double v) { return std::fabs(v); }; break;
    case Op::kCeil: f = [](double v) { return std::ceil(v); }; break;
    case Op::kCos: f = [](double v) { return std::cos(v); }; break;
    case Op::kErf: f = [](double v) { return std::erf(v); }; break;
    case Op::kExp: f = [](double v) { return std::exp(v); }; break;
    case Op::kFloor: f = [](double v) { return std::floor(v); }; break;
    case Op::kLog: f = [](double v) { return std::log(v); }; break;
    case Op::kNeg: f = [](double v) { return -v; }; break;
    case Op::kNot: f = [](double v) { return v == 0 ? 1.0 : 0.0; }; break;
    case Op::kReciprocal: f = [](double v) { return 1.0 / v; }; break;
    case Op::kSin: f = [](double v) { return std::sin(v); }; break;
    case Op::kSqrt: f = [](double v) { return std::sqrt(v); }; break;
    case Op::kTanh: f = [](double v) { return std::tanh(v); }; break;
    case Op::kRelu: f = [](double v) { return v > 0 ? v : 0.0; }; break;
    case Op::kSigmoid: f = [](double v) { return 1.0 / (1.0 + std::exp(-v)); }; break;
    case Op::kSoftplus: f = [](double v) { return v > 30 ? v : std::log1p(std::exp(v)); }; break;
    case Op::kIdentity: f = [](double v) { return v; }; break;
    case Op::kClip: {
      const double lo = n.GetFloat("min"), hi = n.GetFloat("max");
      f = [lo, hi](double v) { return std::min(std::max(v, lo), hi); };
      break;
    }
    case Op::kLeakyRelu: {
      const double a = n.GetFloat("alpha");
      f = [a](double v) { return v >= 0 ? v : a * v; };
      break;
    }
    case Op::kHardSigmoid: {
      const double a = n.GetFloat("alpha"), b = n.GetFloat("beta");
      f = [a, b](double v) { return std::max(0.0, std::min(1.0, a * v + b)); };
      break;
    }
    case Op::kHardSwish:
      f = [](double v) { return v * std::max(0.0, std::min(1.0, v / 6.0 + 0.5)); };
      break;
    case Op::kGelu:
      if (n.GetString("approximate") == "tanh") {
        f = [](double v) {
          return 0.5 * v * (1.0 + std::tanh(std::sqrt(2.0 / M_PI) * (v + 0.044715 * v * v * v)));
        };
      } else {
        f = [](double v) { return 0.5 * v * (1.0 + std::erf(v / std::sqrt(2.0))); };
      }
      break;
    case Op::kCast: {
      std::vector<double> out(x.size());
      for (size_t i = 0; i < x.size(); ++i) out[i] = x[i];
      SetReal(n, std::move(out));
      return absl::OkStatus();
    }
    default:
      return Unimplemented(n, "not a unary op");
  }
  std::vector<double> out(x.size());
  for (size_t i = 0; i < x.size(); ++i) out[i] = f(x[i]);
  SetReal(n, std::move(out));
  return absl::OkStatus();
}

absl::Status Runner::Binary(const Node& n) {
  const Shape& out_shape = OutType(n).shape;
  const int64_t size = NumElements(out_shape);
  std::vector<std::vector<double>> in;
  std::vector<const Shape*> shapes;
  for (size_t i = 0; i < n.inputs.size(); ++i) {
    in.push_back(Real(In(n, i)));
    shapes.push_back(&In(n, i).type.shape);
  }
  const bool integral = IsInteger(In(n, n.op == Op::kWhere ? 1 : 0).type.dtype);
  std::vector<double> out(size);
  for (int64_t o = 0; o < size; ++o) {
    const double a = in[0][BroadcastIndex(o, out_shape, *shapes[0])];
    const double b = in[1][BroadcastIndex(o, out_shape, *shapes[1])];
    double r = 0;
    switch (n.op) {
      case Op::kAdd: r = a + b; break;
      case Op::kSub: r = a - b; break;
      case Op::kMul: r = a * b; break;
      case Op::kDiv: r = integral ? std::trunc(a / b) : a / b; break;
      case Op::kPow: r = std::pow(a, b); break;
      case Op::kMax: r = std::max(a, b); break;
      case Op::kMin: r = std::min(a, b); break;
      case Op::kEqual: r = a == b; break;
      case Op::kLess: r = a < b; break;
      case Op::kGreater: r = a > b; break;
      case Op::kWhere: r = a != 0 ? b : in[2][BroadcastIndex(o, out_shape, *shapes[2])]; break;
      default: return Unimplemented(n, "not a binary op");
    }
    out[o] = r;
  }
  SetReal(n, std::move(out));
  return absl::OkStatus();
}

// Iterates all multi-indices of `shape`, calling f(index vector).
template <typename F>
void ForEachIndex(const Shape& shape, F&& f) {
  std::vector<int64_t> idx(shape.size(), 0);
  const int64_t n = NumElements(shape);
  for (int64_t k = 0; k < n; ++k) {
    f(idx);
    for (int d = static_cast<int>(shape.size()) - 1; d >= 0; --d) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
}

absl::Status Runner::Conv(const Node& n) {
  const HostTensor& xt = In(n, 0);
  const HostTensor& wt = In(n, 1);
  const ProductOperand x = Operand(xt), w = Operand(wt);
  if (x.axis >= 0) return Unimplemented(n, "per-channel quantised activations");
  if (w.axis > 0) return Unimplemented(n, "weights quantised along an axis other than 0");
  const Shape& xs = xt.type.shape;
  const Shape& ws = wt.type.shape;
  const Shape& ys = OutType(n).shape;
  const int sp = static_cast<int>(xs.size()) - 2;
  const int64_t group = n.GetInt("group");
  std::vector<int64_t> strides = n.GetInts("strides"), dil = n.GetInts("dilations"), pads = n.GetInts("pads");
  if (strides.empty()) strides.assign(sp, 1);
  if (dil.empty()) dil.assign(sp, 1);
  if (pads.empty()) pads.assign(2 * sp, 0);
  const int64_t cin_g = ws[1], cout = ws[0], cout_g = cout / group;
  const std::vector<int64_t> xst = Strides(xs), wst = Strides(ws);
  Shape kshape(ws.begin() + 2, ws.end());
  Shape ospatial(ys.begin() + 2, ys.end());
  std::vector<double> bias;
  if (n.inputs.size() == 3) bias = Real(In(n, 2));
  std::vector<double> y(NumElements(ys), 0.0);
  const std::vector<int64_t> yst = Strides(ys);
  if (sp == 2) {
    // 2-D: the same sums in the same order per output element (input
    // channel, then kernel row, then kernel column; padding skipped), with
    // whole output rows at a time so the inner loop is contiguous.
    const int64_t H = xs[2], W = xs[3], OH = ys[2], OW = ys[3], KH = ws[2], KW = ws[3];
    std::vector<double> plane(OH * OW);
    for (int64_t b = 0; b < ys[0]; ++b) {
      for (int64_t oc = 0; oc < cout; ++oc) {
        const int64_t gidx = oc / cout_g;
        const double post = PostScale(x, w, oc);
        std::fill(plane.begin(), plane.end(), 0.0);
        for (int64_t ic = 0; ic < cin_g; ++ic) {
          const double* xp = &x.values[b * xst[0] + (gidx * cin_g + ic) * xst[1]];
          for (int64_t ky = 0; ky < KH; ++ky) {
            for (int64_t kx = 0; kx < KW; ++kx) {
              const double wv = w.values[oc * wst[0] + ic * wst[1] + ky * wst[2] + kx * wst[3]];
              const int64_t off = kx * dil[1] - pads[1];
              // ox with 0 <= ox * stride + off < W.
              int64_t ox0 = off >= 0 ? 0 : (-off + strides[1] - 1) / strides[1];
              int64_t ox1 = W - off <= 0 ? 0 : std::min<int64_t>(OW, (W - off + strides[1] - 1) / strides[1]);
              if (ox0 >= ox1) continue;
              for (int64_t oy = 0; oy < OH; ++oy) {
                const int64_t iy = oy * strides[0] - pads[0] + ky * dil[0];
                if (iy < 0 || iy >= H) continue;
                const double* xr = xp + iy * W + off;
                double* pr = &plane[oy * OW];
                const int64_t s1 = strides[1];
                for (int64_t ox = ox0; ox < ox1; ++ox) pr[ox] += xr[ox * s1] * wv;
              }
            }
          }
        }
        double* yp = &y[b * yst[0] + oc * yst[1]];
        const double bv = bias.empty() ? 0.0 : bias[oc];
        for (int64_t i = 0; i < OH * OW; ++i) yp[i] = plane[i] * post + bv;
      }
    }
    SetReal(n, std::move(y));
    return absl::OkStatus();
  }
  for (int64_t b = 0; b < ys[0]; ++b) {
    for (int64_t oc = 0; oc < cout; ++oc) {
      const int64_t gidx = oc / cout_g;
      const double post = PostScale(x, w, oc);
      ForEachIndex(ospatial, [&](const std::vector<int64_t>& o) {
        double acc = 0;
        for (int64_t ic = 0; ic < cin_g; ++ic) {
          const int64_t c = gidx * cin_g + ic;
          ForEachIndex(kshape, [&](const std::vector<int64_t>& k) {
            int64_t xi = b * xst[0] + c * xst[1];
            for (int d = 0; d < sp; ++d) {
              const int64_t pos = o[d] * strides[d] - pads[d] + k[d] * dil[d];
              if (pos < 0 || pos >= xs[d + 2]) return;
              xi += pos * xst[d + 2];
            }
            int64_t wi = oc * wst[0] + ic * wst[1];
            for (int d = 0; d < sp; ++d) wi += k[d] * wst[d + 2];
            acc += x.values[xi] * w.values[wi];
          });
        }
        int64_t yi = b * yst[0] + oc * yst[1];
        for (int d = 0; d < sp; ++d) yi += o[d] * yst[d + 2];
        y[yi] = acc * post + (bias.empty() ? 0.0 : bias[oc]);
      });
    }
  }
  SetReal(n, std::move(y));
  return absl::OkStatus();
}

absl::Status Runner::Pool(const Node& n) {
  const std::vector<double> x = Real(In(n, 0));
  const Shape& xs = In(n, 0).type.shape;
  const Shape& ys = OutType(n).shape;
  const int sp = static_cast<int>(xs.size()) - 2;
  const bool is_max = n.op == Op::kMaxPool || n.op == Op::kGlobalMaxPool;
  const bool global = n.op == Op::kGlobalAvgPool || n.op == Op::kGlobalMaxPool;
  std::vector<int64_t> kernel, strides, pads, dil;
  if (global) {
    kernel.assign(xs.begin() + 2, xs.end());
  } else {
    kernel = n.GetInts("kernel_shape");
    strides = n.GetInts("strides");
    pads = n.GetInts("pads");
    if (n.op == Op::kMaxPool) dil = n.GetInts("dilations");
  }
  if (strides.empty()) strides.assign(sp, 1);
  if (pads.empty()) pads.assign(2 * sp, 0);
  if (dil.empty()) dil.assign(sp, 1);
  const bool include_pad = n.op == Op::kAvgPool && n.GetInt("count_include_pad") != 0;
  const std::vector<int64_t> xst = Strides(xs), yst = Strides(ys);
  Shape ospatial(ys.begin() + 2, ys.end());
  std::vector<double> y(NumElements(ys));
  for (int64_t b = 0; b < ys[0]; ++b) {
    for (int64_t c = 0; c < ys[1]; ++c) {
      ForEachIndex(ospatial, [&](const std::vector<int64_t>& o) {
        double acc = is_max ? -std::numeric_limits<double>::infinity() : 0.0;
        int64_t count = 0, padded_count = 0;
        ForEachIndex(kernel, [&](const std::vector<int64_t>& k) {
          int64_t xi = b * xst[0] + c * xst[1];
          bool inside_padded = true;
          for (int d = 0; d < sp; ++d) {
            const int64_t pos = o[d] * strides[d] - pads[d] + k[d] * dil[d];
            if (pos >= xs[d + 2] + pads[d + sp]) inside_padded = false;
          }
          if (inside_padded) ++padded_count;
          for (int d = 0; d < sp; ++d) {
            const int64_t pos = o[d] * strides[d] - pads[d] + k[d] * dil[d];
            if (pos < 0 || pos >= xs[d + 2]) return;
            xi += pos * xst[d + 2];
          }
          ++count;
          acc = is_max ? std::max(acc, x[xi]) : acc + x[xi];
        });
        int64_t yi = b * yst[0] + c * yst[1];
        for (int d = 0; d < sp; ++d) yi += o[d] * yst[d + 2];
        y[yi] = is_max ? acc : acc / static_cast<double>(include_pad ? padded_count : count);
      });
    }
  }
  SetReal(n, std::move(y));
  return absl::OkStatus();
}

absl::Status Runner::Gemm(const Node& n) {
  const HostTensor& at = In(n, 0);
  const HostTensor& bt = In(n, 1);
  const ProductOperand a = Operand(at), b = Operand(bt);
  const bool ta = n.GetInt("trans_a") != 0, tb = n.GetInt("trans_b") != 0;
  if (a.axis >= 0) return Unimplemented(n, "per-channel quantised a");
  if (b.axis >= 0 && b.axis != (tb ? 0 : 1)) return Unimplemented(n, "b quantised along its K axis");
  const int64_t m = OutType(n).shape[0], nn = OutType(n).shape[1];
  const int64_t k = ta ? at.type.shape[0] : at.type.shape[1];
  const double alpha = n.GetFloat("alpha"), beta = n.GetFloat("beta");
  std::vector<double> c;
  Shape cs;
  if (n.inputs.size() == 3) {
    c = Real(In(n, 2));
    cs = In(n, 2).type.shape;
  }
  std::vector<double> y(m * nn);
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < nn; ++j) {
      double acc = 0;
      for (int64_t p = 0; p < k; ++p) {
        const double av = a.values[ta ? p * m + i : i * k + p];
        const double bv = b.values[tb ? j * k + p : p * nn + j];
        acc += av * bv;
      }
      double r = alpha * acc * PostScale(a, b, j);
      if (!c.empty()) r += beta * c[BroadcastIndex(i * nn + j, {m, nn}, cs)];
      y[i * nn + j] = r;
    }
  }
  SetReal(n, std::move(y));
  return absl::OkStatus();
}

absl::Status Runner::MatMul(const Node& n) {
  const HostTensor& at = In(n, 0);
  const HostTensor& bt = In(n, 1);
  const ProductOperand a = Operand(at), b = Operand(bt);
  if (a.axis >= 0) return Unimplemented(n, "per-channel quantised a");
  Shape as = at.type.shape, bs = bt.type.shape;
  if (b.axis >= 0 && b.axis != static_cast<int>(bs.size()) - 1) {
    return Unimplemented(n, "b quantised along an axis other than its last");
  }
  if (as.size() == 1) as.insert(as.begin(), 1);
  if (bs.size() == 1) bs.push_back(1);
  const int64_t m = as[as.size() - 2], k = as.back(), nn = bs.back();
  Shape batch_a(as.begin(), as.end() - 2), batch_b(bs.begin(), bs.end() - 2);
  IMCC_ASSIGN_OR_RETURN(Shape batch, BroadcastShapes(batch_a, batch_b));
  const int64_t nb = NumElements(batch);
  std::vector<double> y(nb * m * nn);
  for (int64_t bi = 0; bi < nb; ++bi) {
    const int64_t ia = BroadcastIndex(bi, batch, batch_a), ib = BroadcastIndex(bi, batch, batch_b);
    for (int64_t i = 0; i < m; ++i) {
      for (int64_t j = 0; j < nn; ++j) {
        double acc = 0;
        for (int64_t p = 0; p < k; ++p) {
          acc += a.values[(ia * m + i) * k + p] * b.values[(ib * k + p) * nn + j];
        }
        y[(bi * m + i) * nn + j] = acc * PostScale(a, b, j);
      }
    }
  }
  SetReal(n, std::move(y));
  return absl::OkStatus();
}

absl::Status Runner::Reduce(const Node& n) {
  const std::vector<double> x = Real(In(n, 0));
  const Shape& xs = In(n, 0).type.shape;
  std::vector<int64_t> axes = n.GetInts("axes");
  const int r = static_cast<int>(xs.size());
  std::vector<bool> reduced(r, axes.empty());
  for (int64_t a : axes) reduced[a < 0 ? a + r : a] = true;
  Shape kept;  // output shape with keepdims
  for (int d = 0; d < r; ++d) kept.push_back(reduced[d] ? 1 : xs[d]);
  const std::vector<int64_t> kst = Strides(kept);
  const int64_t osize = NumElements(kept);
  std::vector<double> acc(osize, n.op == Op::kReduceMax   ? -std::numeric_limits<double>::infinity()
                                  : n.op == Op::kReduceMin ? std::numeric_limits<double>::infinity()
                                                           : 0.0);
  const int64_t count = NumElements(xs) / std::max<int64_t>(1, osize);
  int64_t flat = 0;
  ForEachIndex(xs, [&](const std::vector<int64_t>& idx) {
    int64_t o = 0;
    for (int d = 0; d < r; ++d) o += (reduced[d] ? 0 : idx[d]) * kst[d];
    const double v = x[flat++];
    switch (n.op) {
      case Op::kReduceMax: acc[o] = std::max(acc[o], v); break;
      case Op::kReduceMin: acc[o] = std::min(acc[o], v); break;
      default: acc[o] += v;
    }
  });
  if (n.op == Op::kReduceMean) {
    for (double& v : acc) v /= static_cast<double>(count);
  }
  SetReal(n, std::move(acc));
  return absl::OkStatus();
}

absl::Status Runner::Softmax(const Node& n) {
  const std::vector<double> x = Real(In(n, 0));
  const Shape& xs = In(n, 0).type.shape;
  int64_t axis = n.GetInt("axis");
  if (axis < 0) axis += xs.size();
  const int64_t dim = xs[axis];
  const int64_t inner = Strides(xs)[axis];
  const int64_t outer = NumElements(xs) / (dim * inner);
  std::vector<double> y(x.size());
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      const int64_t base = o * dim * inner + i;
      double mx = -std::numeric_limits<double>::infinity();
      for (int64_t d = 0; d < dim; ++d) mx = std::max(mx, x[base + d * inner]);
      double sum = 0;
      for (int64_t d = 0; d < dim; ++d) sum += std::exp(x[base + d * inner] - mx);
      for (int64_t d = 0; d < dim; ++d) {
        const double v = x[base + d * inner] - mx;
        y[base + d * inner] = n.op == Op::kSoftmax ? std::exp(v) / sum : v - std::log(sum);
      }
    }
  }
  SetReal(n, std::move(y));
  return absl::OkStatus();
}

absl::Status Runner::RunNode(const Node& n) {
  switch (n.op) {
    case Op::kAdd: case Op::kSub: case Op::kMul: case Op::kDiv: case Op::kPow:
    case Op::kMax: case Op::kMin: case Op::kEqual: case Op::kLess: case Op::kGreater:
    case Op::kWhere:
      return Binary(n);
    case Op::kConv: return Conv(n);
    case Op::kMaxPool: case Op::kAvgPool: case Op::kGlobalAvgPool: case Op::kGlobalMaxPool:
      return Pool(n);
    case Op::kGemm: return Gemm(n);
    case Op::kMatMul: return MatMul(n);
    case Op::kReduceMax: case Op::kReduceMean: case Op::kReduceMin: case Op::kReduceSum:
      return Reduce(n);
    case Op::kSoftmax: case Op::kLogSoftmax: return Softmax(n);
    case Op::kBatchNorm: {
      const std::vector<double> x = Real(In(n, 0)), s = Real(In(n, 1)), b = Real(In(n, 2)),
                                m = Real(In(n, 3)), v = Real(In(n, 4));
      const Shape& xs = In(n, 0).type.shape;
      const int64_t inner = Strides(xs)[1], c = xs[1];
      const double eps = n.GetFloat("epsilon");
      std::vector<double> y(x.size());
      for (size_t i = 0; i < x.size(); ++i) {
        const int64_t ch = (static_cast<int64_t>(i) / inner) % c;
        y[i] = s[ch] * (x[i] - m[ch]) / std::sqrt(v[ch] + eps) + b[ch];
      }
      SetReal(n, std::move(y));
      return absl::OkStatus();
    }
    case Op::kLayerNorm: {
      const std::vector<double> x = Real(In(n, 0));
      const Shape& xs = In(n, 0).type.shape;
      int64_t axis = n.GetInt("axis");
      if (axis < 0) axis += xs.size();
      const Shape norm(xs.begin() + axis, xs.end());
      const int64_t inner = NumElements(norm), outer = NumElements(xs) / inner;
      std::vector<double> scale, bias;
      Shape ss, bs;
      if (n.inputs.size() > 1) { scale = Real(In(n, 1)); ss = In(n, 1).type.shape; }
      if (n.inputs.size() > 2) { bias = Real(In(n, 2)); bs = In(n, 2).type.shape; }
      const double eps = n.GetFloat("epsilon");
      std::vector<double> y(x.size());
      for (int64_t o = 0; o < outer; ++o) {
        double mean = 0, var = 0;
        for (int64_t i = 0; i < inner; ++i) mean += x[o * inner + i];
        mean /= inner;
        for (int64_t i = 0; i < inner; ++i) var += (x[o * inner + i] - mean) * (x[o * inner + i] - mean);
        var /= inner;
        for (int64_t i = 0; i < inner; ++i) {
          double v = (x[o * inner + i] - mean) / std::sqrt(var + eps);
          if (!scale.empty()) v *= scale[BroadcastIndex(i, norm, ss)];
          if (!bias.empty()) v += bias[BroadcastIndex(i, norm, bs)];
          y[o * inner + i] = v;
        }
      }
      SetReal(n, std::move(y));
      return absl::OkStatus();
    }
    case Op::kReshape: case Op::kFlatten: case Op::kSqueeze: case Op::kUnsqueeze: {
      SetReal(n, Real(In(n, 0)));
      return absl::OkStatus();
    }
    case Op::kExpand: {
      const std::vector<double> x = Real(In(n, 0));
      const Shape& out = OutType(n).shape;
      std::vector<double> y(NumElements(out));
      for (int64_t o = 0; o < static_cast<int64_t>(y.size()); ++o) y[o] = x[BroadcastIndex(o, out, In(n, 0).type.shape)];
      SetReal(n, std::move(y));
      return absl::OkStatus();
    }
    case Op::kTranspose: {
      const std::vector<double> x = Real(In(n, 0));
      const Shape& xs = In(n, 0).type.shape;
      std::vector<int64_t> perm = n.GetInts("perm");
      if (perm.empty()) {
        for (int d = static_cast<int>(xs.size()) - 1; d >= 0; --d) perm.push_back(d);
      }
      const std::vector<int64_t> xst = Strides(xs);
      std::vector<double> y;
      y.reserve(x.size());
      ForEachIndex(OutType(n).shape, [&](const std::vector<int64_t>& idx) {
        int64_t xi = 0;
        for (size_t d = 0; d < idx.size(); ++d) xi += idx[d] * xst[perm[d]];
        y.push_back(x[xi]);
      });
      SetReal(n, std::move(y));
      return absl::OkStatus();
    }
    case Op::kConcat: {
      int64_t axis = n.GetInt("axis");
      const Shape& ys = OutType(n).shape;
      if (axis < 0) axis += ys.size();
      const int64_t inner = Strides(ys)[axis];
      const int64_t outer = NumElements(ys) / (ys[axis] * inner);
      std::vector<double> y;
      y.reserve(NumElements(ys));
      std::vector<std::vector<double>> ins;
      for (size_t i = 0; i < n.inputs.size(); ++i) ins.push_back(Real(In(n, i)));
      for (int64_t o = 0; o < outer; ++o) {
        for (size_t i = 0; i < n.inputs.size(); ++i) {
          const int64_t chunk = In(n, i).type.shape[axis] * inner;
          y.insert(y.end(), ins[i].begin() + o * chunk, ins[i].begin() + (o + 1) * chunk);
        }
      }
      SetReal(n, std::move(y));
      return absl::OkStatus();
    }
    case Op::kSplit: {
      const std::vector<double> x = Real(In(n, 0));
      const Shape& xs = In(n, 0).type.shape;
      int64_t axis = n.GetInt("axis");
      if (axis < 0) axis += xs.size();
      const int64_t inner = Strides(xs)[axis];
      const int64_t outer = NumElements(xs) / (xs[axis] * inner);
      int64_t offset = 0;
      for (size_t k = 0; k < n.outputs.size(); ++k) {
        const int64_t len = OutType(n, k).shape[axis];
        std::vector<double> y;
        for (int64_t o = 0; o < outer; ++o) {
          const auto begin = x.begin() + (o * xs[axis] + offset) * inner;
          y.insert(y.end(), begin, begin + len * inner);
        }
        Set(n, k, FromReal(OutType(n, k), std::move(y)));
        offset += len;
      }
      return absl::OkStatus();
    }
    case Op::kSlice: {
      const std::vector<double> x = Real(In(n, 0));
      const Shape& xs = In(n, 0).type.shape;
      const int r = static_cast<int>(xs.size());
      std::vector<int64_t> start(r, 0), step(r, 1);
      const std::vector<int64_t>& starts = n.GetInts("starts");
      std::vector<int64_t> axes = n.GetInts("axes"), steps = n.GetInts("steps");
      if (axes.empty()) {
        for (size_t i = 0; i < starts.size(); ++i) axes.push_back(i);
      }
      if (steps.empty()) steps.assign(starts.size(), 1);
      for (size_t i = 0; i < axes.size(); ++i) {
        const int64_t a = axes[i] < 0 ? axes[i] + r : axes[i];
        const int64_t dim = xs[a];
        int64_t s = starts[i] < 0 ? starts[i] + dim : starts[i];
        s = steps[i] > 0 ? std::clamp<int64_t>(s, 0, dim) : std::clamp<int64_t>(s, 0, dim - 1);
        start[a] = s;
        step[a] = steps[i];
      }
      const std::vector<int64_t> xst = Strides(xs);
      std::vector<double> y;
      ForEachIndex(OutType(n).shape, [&](const std::vector<int64_t>& idx) {
        int64_t xi = 0;
        for (int d = 0; d < r; ++d) xi += (start[d] + idx[d] * step[d]) * xst[d];
        y.push_back(x[xi]);
      });
      SetReal(n, std::move(y));
      return absl::OkStatus();
    }
    case Op::kGather: {
      const std::vector<double> x = Real(In(n, 0));
      const Shape& xs = In(n, 0).type.shape;
      const std::vector<double>& idx = In(n, 1).data;
      int64_t axis = n.GetInt("axis");
      if (axis < 0) axis += xs.size();
      const int64_t inner = Strides(xs)[axis], dim = xs[axis];
      const int64_t outer = NumElements(xs) / (dim * inner);
      std::vector<double> y;
      for (int64_t o = 0; o < outer; ++o) {
        for (double kd : idx) {
          int64_t k = static_cast<int64_t>(kd);
          if (k < 0) k += dim;
          if (k < 0 || k >= dim) return Unimplemented(n, absl::StrCat("index ", kd, " out of range"));
          const auto begin = x.begin() + (o * dim + k) * inner;
          y.insert(y.end(), begin, begin + inner);
        }
      }
      SetReal(n, std::move(y));
      return absl::OkStatus();
    }
    case Op::kPad: {
      const std::vector<double> x = Real(In(n, 0));
      const Shape& xs = In(n, 0).type.shape;
      const std::vector<int64_t>& pads = n.GetInts("pads");
      const std::string& mode = n.GetString("mode");
      const double value = n.GetFloat("value");
      const int r = static_cast<int>(xs.size());
      const std::vector<int64_t> xst = Strides(xs);
      std::vector<double> y;
      ForEachIndex(OutType(n).shape, [&](const std::vector<int64_t>& idx) {
        int64_t xi = 0;
        bool outside = false;
        for (int d = 0; d < r; ++d) {
          int64_t p = idx[d] - pads[d];
          if (p < 0 || p >= xs[d]) {
            if (mode == "constant") {
              outside = true;
            } else if (mode == "edge") {
              p = std::clamp<int64_t>(p, 0, xs[d] - 1);
            } else {  // reflect
              const int64_t period = 2 * (xs[d] - 1);
              if (period == 0) {
                p = 0;
              } else {
                p = ((p % period) + period) % period;
                if (p >= xs[d]) p = period - p;
              }
            }
          }
          xi += p * xst[d];
        }
        y.push_back(outside ? value : x[xi]);
      });
      SetReal(n, std::move(y));
      return absl::OkStatus();
    }
    default:
      return Unary(n);
  }
}

}  // namespace

HostTensor MakeHostTensor(TensorType type, std::vector<double> data) {
  HostTensor t;
  if (!type.quant.has_value()) {
    for (double& v : data) v = RoundTo(type.dtype, v);
  }
  t.type = std::move(type);
  t.data = std::move(data);
  return t;
}

absl::StatusOr<HostTensor> DecodeWeight(const TensorType& type, const WeightData& w) {
  const int64_t n = type.num_elements();
  const int width = DTypeStorageBytes(type.dtype);
  if (w.is_reference || static_cast<int64_t>(w.bytes.size()) != n * width) {
    return absl::InvalidArgumentError(absl::StrCat("weight payload has ", w.bytes.size(),
                                                   " bytes, type ", TypeToString(type), " needs ", n * width));
  }
  std::vector<double> v(n);
  const char* p = w.bytes.data();
  for (int64_t i = 0; i < n; ++i, p += width) {
    switch (type.dtype) {
      case DType::kF32: { float f; std::memcpy(&f, p, 4); v[i] = f; break; }
      case DType::kF16: { uint16_t h; std::memcpy(&h, p, 2); v[i] = HalfBitsToFloat(h); break; }
      case DType::kBF16: {
        uint16_t h;
        std::memcpy(&h, p, 2);
        const uint32_t x = static_cast<uint32_t>(h) << 16;
        float f;
        std::memcpy(&f, &x, 4);
        v[i] = f;
        break;
      }
      case DType::kI64: { int64_t x; std::memcpy(&x, p, 8); v[i] = static_cast<double>(x); break; }
      case DType::kI32: { int32_t x; std::memcpy(&x, p, 4); v[i] = x; break; }
      case DType::kI8: case DType::kI4: v[i] = static_cast<int8_t>(*p); break;
      case DType::kU8: v[i] = static_cast<uint8_t>(*p); break;
      case DType::kBool: v[i] = *p != 0; break;
    }
  }
  HostTensor t;
  t.type = type;
  t.data = std::move(v);
  return t;
}

std::string EncodeTensor(const HostTensor& t) {
  const int width = DTypeStorageBytes(t.type.dtype);
  std::string out(t.data.size() * width, '\0');
  char* p = out.data();
  for (double v : t.data) {
    switch (t.type.dtype) {
      case DType::kF32: { float f = static_cast<float>(v); std::memcpy(p, &f, 4); break; }
      case DType::kF16: { uint16_t h = FloatToHalfBits(static_cast<float>(v)); std::memcpy(p, &h, 2); break; }
      case DType::kBF16: {
        float f = RoundToBf16(static_cast<float>(v));
        uint32_t x;
        std::memcpy(&x, &f, 4);
        const uint16_t h = x >> 16;
        std::memcpy(p, &h, 2);
        break;
      }
      case DType::kI64: { int64_t x = static_cast<int64_t>(v); std::memcpy(p, &x, 8); break; }
      case DType::kI32: { int32_t x = static_cast<int32_t>(v); std::memcpy(p, &x, 4); break; }
      case DType::kI8: case DType::kI4: *p = static_cast<char>(static_cast<int8_t>(v)); break;
      case DType::kU8: *p = static_cast<char>(static_cast<uint8_t>(v)); break;
      case DType::kBool: *p = v != 0; break;
    }
    p += width;
  }
  return out;
}

std::vector<double> RealValues(const HostTensor& t) { return Real(t); }

absl::StatusOr<std::vector<HostTensor>> Interpret(const Module& module,
                                                  const std::vector<HostTensor>& inputs,
                                                  const InterpretOptions& options) {
  const Graph& g = module.graph();
  if (inputs.size() != g.inputs().size()) {
    return absl::InvalidArgumentError(absl::StrCat("module '", module.name(), "' takes ", g.inputs().size(),
                                                   " inputs, got ", inputs.size()));
  }
  Env env(g.num_values());
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Value& v = g.value(g.inputs()[i]);
    if (inputs[i].type.shape != v.type.shape || inputs[i].type.dtype != v.type.dtype ||
        static_cast<int64_t>(inputs[i].data.size()) != v.type.num_elements()) {
      return absl::InvalidArgumentError(absl::StrCat("input '", v.name, "' must be ", TypeToString(v.type),
                                                     ", got ", TypeToString(inputs[i].type)));
    }
    env[g.inputs()[i]] = inputs[i];
    env[g.inputs()[i]].type.quant = v.type.quant;
  }
  // Weights are decoded just before their first use and every value is
  // dropped after its last (node results are kept when options.values
  // asks for them), so peak memory is the live set, not the whole model.
  std::vector<int> last_use(g.num_values(), -1);
  for (int i = 0; i < g.num_nodes(); ++i) {
    for (ValueId in : g.node(i).inputs) last_use[in] = i;
  }
  for (ValueId id : g.outputs()) last_use[id] = g.num_nodes();
  for (ValueId id = 0; id < g.num_values(); ++id) {
    const Value& v = g.value(id);
    if (v.kind != ValueKind::kWeight || last_use[id] < 0) continue;
    if (v.data == nullptr || v.data->is_reference) {
      return absl::FailedPreconditionError(absl::StrCat(
          "weight '", v.name, "' has no data (shape-only); numeric execution needs a model with weights"));
    }
  }
  std::vector<bool> decoded(g.num_values(), false);
  Runner runner(module, env);
  for (int index = 0; index < g.num_nodes(); ++index) {
    const Node& n = g.node(index);
    for (ValueId in : n.inputs) {
      const Value& v = g.value(in);
      if (v.kind != ValueKind::kWeight || decoded[in]) continue;
      IMCC_ASSIGN_OR_RETURN(env[in], DecodeWeight(v.type, *v.data));
      decoded[in] = true;
    }
    bool overridden = false;
    if (options.override_node) {
      std::vector<const HostTensor*> ins;
      for (ValueId in : n.inputs) ins.push_back(&env[in]);
      std::optional<absl::StatusOr<std::vector<HostTensor>>> r = options.override_node(n, ins);
      if (r.has_value()) {
        if (!r->ok()) return r->status();
        if ((*r)->size() != n.outputs.size()) {
          return absl::InternalError(absl::StrCat("override of node '", n.name, "' returned ", (*r)->size(),
                                                  " results, the node has ", n.outputs.size()));
        }
        for (size_t k = 0; k < n.outputs.size(); ++k) env[n.outputs[k]] = std::move((**r)[k]);
        overridden = true;
      }
    }
    if (!overridden) IMCC_RETURN_IF_ERROR(runner.RunNode(n));
    for (ValueId in : n.inputs) {
      if (last_use[in] != index) continue;
      if (options.values != nullptr && g.value(in).kind != ValueKind::kWeight) continue;
      std::vector<double>().swap(env[in].data);
    }
  }
  if (options.values != nullptr) *options.values = env;
  std::vector<HostTensor> out;
  for (ValueId id : g.outputs()) out.push_back(env[id]);
  return out;
}

}  // namespace imcc::ir
