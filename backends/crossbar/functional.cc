#include "backends/crossbar/functional.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "backends/crossbar/layer_matrix.h"
#include "ir/shape_inference.h"
#include "ir/support/status_macros.h"

namespace imcc::crossbar {
namespace {

ir::DType IntDType(int bits) {
  return bits <= 4 ? ir::DType::kI4 : bits <= 8 ? ir::DType::kI8 : ir::DType::kI32;
}

double QMax(int bits) { return std::ldexp(1.0, bits - 1) - 1; }

// The clipping range for symmetric `bits`-bit quantisation of `v` that
// minimises the squared error (rounding plus clipping), searched over
// max|v| x {1, 0.95, ..., 0.3}: at 4 bits, a few outliers otherwise take
// most of the range. Deterministic.
double MseClip(const std::vector<double>& v, int bits) {
  double vmax = 0;
  for (double x : v) vmax = std::max(vmax, std::fabs(x));
  if (vmax == 0) return 0;
  const double q = QMax(bits);
  double best = vmax, best_err = std::numeric_limits<double>::infinity();
  for (int k = 0; k <= 14; ++k) {
    const double clip = vmax * (1.0 - 0.05 * k);
    const double scale = clip / q;
    double err = 0;
    for (double x : v) {
      const double y = std::clamp(std::nearbyint(x / scale), -q, q) * scale;
      err += (x - y) * (x - y);
    }
    if (err < best_err) {
      best_err = err;
      best = clip;
    }
  }
  return best;
}

// The weight's output-channel axis as the interpreter expects it.
int WeightAxis(const ir::Node& n, int rank) {
  if (n.op == ir::Op::kGemm) return n.GetInt("trans_b") ? 0 : 1;
  if (n.op == ir::Op::kMatMul) return rank - 1;
  return 0;
}

// A weight matrix (K x N, k major, signed ints of `wbits`) as the cells
// hold it: offset-encoded and split into cell_bits-wide slices.
struct CellWeights {
  int64_t k = 0, n = 0;
  std::vector<int64_t> w;                   // the signed values (exact path only)
  std::vector<std::vector<int32_t>> slices; // per weight slice, K x N
  std::vector<int64_t> sum_wu;              // per column: sum of offset weights
};

// Dot products on the bit-level crossbar model: x (ints, `xbits` signed)
// against the columns of a CellWeights, rows tiled by array.rows and
// grouped by max_active_rows.
class CrossbarDot {
 public:
  CrossbarDot(const hw::Array& a, int xbits, int wbits)
      : a_(a),
        xbits_(xbits),
        wbits_(wbits),
        x_off_(static_cast<int64_t>(1) << (xbits - 1)),
        w_off_(static_cast<int64_t>(1) << (wbits - 1)),
        adc_max_((static_cast<int64_t>(1) << std::min<int>(a.adc_bits(), 62)) - 1),
        active_(a.max_active_rows() ? a.max_active_rows() : a.rows()) {
    // Lossless when no column sum of one row group and one slice pair can
    // exceed the ADC's range: then every conversion is exact and the
    // shift-add of the slices is the integer dot product itself.
    const int64_t dmax = (static_cast<int64_t>(1) << a.dac_bits()) - 1;
    const int64_t cmax = (static_cast<int64_t>(1) << a.cell_bits()) - 1;
    lossless_ = static_cast<double>(std::min<int64_t>(active_, a.rows())) * dmax * cmax <= static_cast<double>(adc_max_);
  }

  bool lossless() const { return lossless_; }

  CellWeights Prepare(std::vector<int64_t> w, int64_t n, bool slices) const {
    CellWeights cw;
    cw.n = n;
    cw.k = n > 0 ? static_cast<int64_t>(w.size()) / n : 0;
    cw.sum_wu.assign(n, 0);
    for (int64_t k = 0; k < cw.k; ++k) {
      for (int64_t c = 0; c < n; ++c) cw.sum_wu[c] += w[k * n + c] + w_off_;
    }
    if (slices) {
      const int cell = a_.cell_bits(), w_slices = (wbits_ + cell - 1) / cell;
      const int64_t cmask = (static_cast<int64_t>(1) << cell) - 1;
      cw.slices.assign(w_slices, std::vector<int32_t>(w.size()));
      for (int sw = 0; sw < w_slices; ++sw) {
        for (size_t i = 0; i < w.size(); ++i) {
          cw.slices[sw][i] = static_cast<int32_t>(((w[i] + w_off_) >> (sw * cell)) & cmask);
        }
      }
    }
    if (!slices) cw.w = std::move(w);  // the exact path multiplies these; the bit-level one reads slices
    return cw;
  }

  // The conversions the bit-level model makes for a K-row dot with n columns.
  int64_t Conversions(int64_t k_total, int64_t n) const {
    const int in_slices = (xbits_ + a_.dac_bits() - 1) / a_.dac_bits();
    const int w_slices = (wbits_ + a_.cell_bits() - 1) / a_.cell_bits();
    int64_t groups = 0;
    for (int64_t tile = 0; tile < k_total; tile += a_.rows()) {
      const int64_t len = std::min<int64_t>(k_total - tile, a_.rows());
      groups += (len + active_ - 1) / active_;
    }
    return groups * in_slices * w_slices * n;
  }

  // The same result as Run when lossless(): the exact integer product.
  std::vector<int64_t> RunExact(const std::vector<int64_t>& x, const CellWeights& cw, int64_t* conversions) const {
    const int64_t n = cw.n;
    std::vector<int64_t> acc(n, 0);
    for (int64_t k = 0; k < cw.k; ++k) {
      const int64_t xv = x[k];
      if (xv == 0) continue;
      const int64_t* wr = &cw.w[k * n];
      for (int64_t c = 0; c < n; ++c) acc[c] += xv * wr[c];
    }
    *conversions += Conversions(cw.k, n);
    return acc;
  }

  // Slice by slice: offset inputs streamed dac_bits at a time, each active
  // row group's column sums of one input slice and one weight slice
  // converted by the ADC (saturating), shifted and added; the offsets are
  // corrected digitally at the end.
  std::vector<int64_t> Run(const std::vector<int64_t>& x, const CellWeights& cw, int64_t* conversions,
                           int64_t* saturations) const {
    const int64_t k_total = cw.k, n = cw.n;
    std::vector<int64_t> xu(k_total);
    int64_t sum_xu = 0;
    for (int64_t k = 0; k < k_total; ++k) {
      xu[k] = x[k] + x_off_;
      sum_xu += xu[k];
    }
    const int dac = a_.dac_bits();
    const int in_slices = (xbits_ + dac - 1) / dac, w_slices = static_cast<int>(cw.slices.size());
    const int64_t dmask = (static_cast<int64_t>(1) << dac) - 1;
    std::vector<int64_t> acc(n, 0);
    std::vector<int32_t> colsum(n);
    std::vector<int32_t> digits(k_total);
    for (int si = 0; si < in_slices; ++si) {
      for (int64_t k = 0; k < k_total; ++k) digits[k] = static_cast<int32_t>((xu[k] >> (si * dac)) & dmask);
      for (int64_t tile = 0; tile < k_total; tile += a_.rows()) {
        const int64_t tile_end = std::min<int64_t>(k_total, tile + a_.rows());
        for (int64_t g0 = tile; g0 < tile_end; g0 += active_) {
          const int64_t g1 = std::min<int64_t>(tile_end, g0 + active_);
          for (int sw = 0; sw < w_slices; ++sw) {
            std::fill(colsum.begin(), colsum.end(), 0);
            const int32_t* ws = cw.slices[sw].data();
            for (int64_t k = g0; k < g1; ++k) {
              const int32_t d = digits[k];
              if (d == 0) continue;
              const int32_t* wr = ws + k * n;
              int32_t* cs = colsum.data();
              for (int64_t c = 0; c < n; ++c) cs[c] += d * wr[c];
            }
            const int shift = si * dac + sw * a_.cell_bits();
            for (int64_t c = 0; c < n; ++c) {
              int64_t v = colsum[c];
              if (v > adc_max_) {
                v = adc_max_;
                ++*saturations;
              }
              acc[c] += v << shift;
            }
            *conversions += n;
          }
        }
      }
    }
    // Offset correction (digital): sum (xu - ox)(wu - ow).
    for (int64_t c = 0; c < n; ++c) {
      acc[c] = acc[c] - w_off_ * sum_xu - x_off_ * cw.sum_wu[c] + k_total * x_off_ * w_off_;
    }
    return acc;
  }

 private:
  const hw::Array& a_;
  int xbits_, wbits_;
  int64_t x_off_, w_off_, adc_max_, active_;
  bool lossless_ = false;
};

// A layer's weights as its arrays hold them: one matrix per group.
using LayerCells = std::vector<CellWeights>;

// Programs `w` (the quantised weight of layer `n`) into cells.
absl::StatusOr<LayerCells> ProgramLayer(const ir::Node& n, const ir::HostTensor& w, const CrossbarDot& dot,
                                        bool slices) {
  LayerCells cells;
  if (n.op == ir::Op::kConv) {
    const ir::Shape& ws = w.type.shape;
    if (ws.size() != 4) return absl::UnimplementedError("only 2-D convolutions on crossbars");
    const int64_t group = n.GetInt("group"), cout = ws[0], cout_g = cout / group;
    const int64_t kdim = ws[1] * ws[2] * ws[3];
    for (int64_t gi = 0; gi < group; ++gi) {
      // K x N weight matrix of this group (integer view, zero points 0).
      std::vector<int64_t> wm(kdim * cout_g);
      for (int64_t oc = 0; oc < cout_g; ++oc) {
        for (int64_t k = 0; k < kdim; ++k) {
          wm[k * cout_g + oc] = static_cast<int64_t>(w.data[(gi * cout_g + oc) * kdim + k]);
        }
      }
      cells.push_back(dot.Prepare(std::move(wm), cout_g, slices));
    }
    return cells;
  }
  const bool tb = n.op == ir::Op::kGemm && n.GetInt("trans_b");
  if (w.type.rank() != 2) return absl::UnimplementedError("batched weights on crossbars");
  const int64_t kdim = tb ? w.type.shape[1] : w.type.shape[0];
  const int64_t ncols = tb ? w.type.shape[0] : w.type.shape[1];
  std::vector<int64_t> wm(kdim * ncols);
  for (int64_t k = 0; k < kdim; ++k) {
    for (int64_t c = 0; c < ncols; ++c) {
      wm[k * ncols + c] = static_cast<int64_t>(w.data[tb ? c * kdim + k : k * ncols + c]);
    }
  }
  cells.push_back(dot.Prepare(std::move(wm), ncols, slices));
  return cells;
}

bool IsQuantisedLayer(const ir::Node& n, const std::vector<const ir::HostTensor*>& in) {
  if (n.op != ir::Op::kConv && n.op != ir::Op::kGemm && n.op != ir::Op::kMatMul) return false;
  return in.size() >= 2 && in[0]->type.quant.has_value() && in[1]->type.quant.has_value();
}

int BitsOf(const ir::TensorType& t, int fallback) {
  return t.dtype == ir::DType::kI4 ? 4 : t.dtype == ir::DType::kI8 ? 8 : fallback;
}

}  // namespace

absl::StatusOr<ir::Module> QuantizeForCrossbar(const ir::Module& fp32,
                                               const std::vector<ir::HostTensor>& calibration,
                                               const hw::Array& array) {
  std::vector<ir::HostTensor> values;
  ir::InterpretOptions opt;
  opt.values = &values;
  IMCC_RETURN_IF_ERROR(ir::Interpret(fp32, calibration, opt).status());
  ir::Module m = fp32;
  ir::Graph& g = m.graph();
  const int xbits = array.input_bits(), wbits = array.weight_bits();
  const std::vector<MvmLayer> layers = ExtractMvmLayers(fp32);
  for (const MvmLayer& l : layers) {
    const int ni = l.node;
    const ir::Node node = g.node(ni);
    // Input: per-tensor symmetric scale from calibration.
    const ir::ValueId xid = node.inputs[0];
    const double xmax = MseClip(ir::RealValues(values[xid]), xbits);
    ir::TensorType qx = g.value(xid).type;
    qx.dtype = IntDType(xbits);
    ir::QuantParams xq;
    xq.scales = {static_cast<float>(xmax > 0 ? xmax / QMax(xbits) : 1.0)};
    qx.quant = xq;
    // Clip first: inputs the calibration did not see must still fit
    // `xbits` (the dtype's own range may be wider, e.g. i32 for 16 bits).
    const double bound = static_cast<double>(xq.scales[0]) * QMax(xbits);
    ir::TensorType clipped = g.value(xid).type;
    IMCC_ASSIGN_OR_RETURN(int clip, g.AddNode(ir::Op::kClip, g.UniqueName(node.name + "/quantize_input_clip"), {xid},
                                              {g.UniqueName(g.value(xid).name + ".clip")}, {clipped},
                                              {{"min", ir::Attribute(-bound)}, {"max", ir::Attribute(bound)}}));
    const ir::ValueId clipped_id = g.node(clip).outputs[0];
    IMCC_ASSIGN_OR_RETURN(int cast, g.AddNode(ir::Op::kCast, g.UniqueName(node.name + "/quantize_input"), {clipped_id},
                                              {g.UniqueName(g.value(xid).name + ".q")}, {qx},
                                              {{"to", ir::Attribute(std::string(ir::DTypeName(qx.dtype)))}}));
    const ir::ValueId qxid = g.node(cast).outputs[0];
    // Weight: per output channel.
    const ir::Value& wv = g.value(node.inputs[1]);
    if (wv.data == nullptr || wv.data->is_reference) {
      return absl::FailedPreconditionError(absl::StrCat("weight '", wv.name, "' has no data; functional mode needs weights"));
    }
    IMCC_ASSIGN_OR_RETURN(ir::HostTensor w, ir::DecodeWeight(wv.type, *wv.data));
    const int axis = WeightAxis(node, wv.type.rank());
    const int64_t channels = wv.type.shape[axis];
    int64_t inner = 1;
    for (int d = axis + 1; d < wv.type.rank(); ++d) inner *= wv.type.shape[d];
    std::vector<std::vector<double>> per_channel(channels);
    for (size_t i = 0; i < w.data.size(); ++i) {
      per_channel[(static_cast<int64_t>(i) / inner) % channels].push_back(w.data[i]);
    }
    std::vector<double> cmax(channels, 0);
    for (int64_t c = 0; c < channels; ++c) cmax[c] = MseClip(per_channel[c], wbits);
    ir::QuantParams wq;
    wq.axis = axis;
    for (double v : cmax) wq.scales.push_back(static_cast<float>(v > 0 ? v / QMax(wbits) : 1.0));
    ir::TensorType qwt = wv.type;
    qwt.dtype = IntDType(wbits);
    qwt.quant = wq;
    std::vector<double> q(w.data.size());
    for (size_t i = 0; i < w.data.size(); ++i) {
      const int64_t c = (static_cast<int64_t>(i) / inner) % channels;
      q[i] = std::clamp(std::nearbyint(w.data[i] / wq.scales[c]), -QMax(wbits), QMax(wbits));
    }
    ir::HostTensor qw;
    qw.type = qwt;
    qw.data = std::move(q);
    IMCC_ASSIGN_OR_RETURN(ir::ValueId qwid, g.AddWeight(g.UniqueName(wv.name + ".q"), qwt,
                                                        ir::MakeWeightData(ir::EncodeTensor(qw))));
    ir::Node& n = g.mutable_node(ni);
    n.inputs[0] = qxid;
    n.inputs[1] = qwid;
  }
  // Casts were appended; restore dependency order and drop the old weights.
  std::vector<bool> none(g.num_nodes(), false);
  std::vector<int> order;
  {
    // Each cast must precede its layer: a stable topological order.
    std::vector<std::pair<double, int>> key;
    for (int i = 0; i < g.num_nodes(); ++i) {
      double k = i;
      const ir::Node& n = g.node(i);
      const bool clip = n.name.find("/quantize_input_clip") != std::string::npos;
      if (clip || (n.op == ir::Op::kCast && n.name.find("/quantize_input") != std::string::npos)) {
        // Right after the producer of the layer input (or first): the clip,
        // then its cast.
        const ir::Value& in = g.value(clip ? n.inputs[0] : g.node(g.value(n.inputs[0]).producer).inputs[0]);
        k = (in.kind == ir::ValueKind::kNodeResult ? in.producer : -1) + (clip ? 0.25 : 0.5);
      }
      key.push_back({k, i});
    }
    std::stable_sort(key.begin(), key.end());
    for (const auto& [k, i] : key) order.push_back(i);
  }
  g.PermuteNodes(order);
  g.EraseNodesAndCompact(none);
  return m;
}

absl::StatusOr<FunctionalResult> RunOnCrossbars(const ir::Module& quantised, const hw::Array& array,
                                                const std::vector<ir::HostTensor>& inputs,
                                                const FunctionalOptions& options) {
  FunctionalResult res;
  const ir::Graph& g = quantised.graph();
  // Weight replacement: with a partitioned program, the crossbars hold
  // only what its latest WRITE_XB programmed, and a layer reads its
  // weights from there.
  std::map<std::string, int> partition_of;
  std::vector<std::vector<std::string>> writes;
  if (options.program != nullptr) {
    for (const Instruction& ins : options.program->instructions()) {
      if (ins.op() != OPCODE_WRITE_XB) continue;
      for (const std::string& stage : ins.written_stages()) partition_of[stage] = static_cast<int>(writes.size());
      writes.emplace_back(ins.written_stages().begin(), ins.written_stages().end());
    }
  }
  const bool replacing = !writes.empty();
  std::map<std::string, LayerCells> resident;
  int current = -1;
  auto write_partition = [&](int p) -> absl::Status {
    resident.clear();
    for (const std::string& stage : writes[p]) {
      const int node = g.FindNode(stage);
      if (node < 0) {
        return absl::FailedPreconditionError(
            absl::StrCat("WRITE_XB of partition ", p, " programs '", stage, "', which the model does not have"));
      }
      const ir::Node& ln = g.node(node);
      const ir::Value& wv = g.value(ln.inputs[1]);
      if (wv.data == nullptr) {
        return absl::FailedPreconditionError(absl::StrCat("layer '", stage, "' has no weight data to write"));
      }
      IMCC_ASSIGN_OR_RETURN(ir::HostTensor w, ir::DecodeWeight(wv.type, *wv.data));
      const CrossbarDot dot(array, array.input_bits(), BitsOf(wv.type, array.weight_bits()));
      IMCC_ASSIGN_OR_RETURN(resident[stage], ProgramLayer(ln, w, dot, !(dot.lossless() && !options.bit_level)));
      res.weights_written += w.data.size();
    }
    ++res.weight_writes;
    current = p;
    return absl::OkStatus();
  };
  ir::InterpretOptions opt;
  opt.override_node = [&](const ir::Node& n, const std::vector<const ir::HostTensor*>& in)
      -> std::optional<absl::StatusOr<std::vector<ir::HostTensor>>> {
    if (!IsQuantisedLayer(n, in)) return std::nullopt;
    const ir::HostTensor& x = *in[0];
    const ir::HostTensor& w = *in[1];
    if (x.type.quant->axis.has_value()) {
      return absl::StatusOr<std::vector<ir::HostTensor>>(
          absl::UnimplementedError(absl::StrCat("node '", n.name, "': per-channel activations on crossbars")));
    }
    const int xbits = BitsOf(x.type, array.input_bits()), wbits = BitsOf(w.type, array.weight_bits());
    const CrossbarDot dot(array, xbits, wbits);
    const bool exact = dot.lossless() && !options.bit_level;
    if (exact) ++res.exact_layers;
    using Result = absl::StatusOr<std::vector<ir::HostTensor>>;
    LayerCells own;
    const LayerCells* cells = &own;
    if (replacing) {
      auto it = partition_of.find(n.name);
      if (it == partition_of.end()) {
        return Result(absl::FailedPreconditionError(
            absl::StrCat("layer '", n.name, "' runs but no WRITE_XB of the program writes its weights")));
      }
      if (it->second < current) {
        return Result(absl::FailedPreconditionError(absl::StrCat("layer '", n.name, "' of partition ", it->second,
                                                                 " runs after partition ", current,
                                                                 " replaced its weights")));
      }
      if (it->second > current) {
        if (absl::Status st = write_partition(it->second); !st.ok()) return Result(st);
      }
      cells = &resident.at(n.name);
    } else {
      absl::StatusOr<LayerCells> programmed = ProgramLayer(n, w, dot, !exact);
      if (!programmed.ok()) return Result(programmed.status());
      own = std::move(*programmed);
    }
    auto run_dot = [&](const std::vector<int64_t>& xv, const CellWeights& cw) {
      return exact ? dot.RunExact(xv, cw, &res.adc_conversions)
                   : dot.Run(xv, cw, &res.adc_conversions, &res.adc_saturations);
    };
    const double sx = x.type.quant->scales[0];
    const auto& sw = w.type.quant->scales;
    const auto zx = x.type.quant->zero_points.empty() ? 0 : x.type.quant->zero_points[0];
    const ir::TensorType& out_t = g.value(n.outputs[0]).type;
    std::vector<double> y(out_t.num_elements(), 0.0);
    auto scale_of = [&](int64_t c) { return sw.size() == 1 ? static_cast<double>(sw[0]) : static_cast<double>(sw[c]); };
    if (n.op == ir::Op::kConv) {
      const ir::Shape& xs = x.type.shape;
      const ir::Shape& ws = w.type.shape;
      const ir::Shape& ys = out_t.shape;
      if (xs.size() != 4) {
        return absl::StatusOr<std::vector<ir::HostTensor>>(absl::UnimplementedError("only 2-D convolutions on crossbars"));
      }
      const int64_t group = n.GetInt("group"), cin_g = ws[1], cout = ws[0], cout_g = cout / group;
      const int64_t kh = ws[2], kw = ws[3];
      std::vector<int64_t> st = n.GetInts("strides"), pd = n.GetInts("pads"), dl = n.GetInts("dilations");
      if (st.empty()) st = {1, 1};
      if (pd.empty()) pd = {0, 0, 0, 0};
      if (dl.empty()) dl = {1, 1};
      const int64_t kdim = cin_g * kh * kw;
      std::vector<double> bias;
      if (in.size() > 2) bias = ir::RealValues(*in[2]);
      for (int64_t gi = 0; gi < group; ++gi) {
        const CellWeights& cw = (*cells)[gi];
        std::vector<int64_t> xv(kdim);
        for (int64_t b = 0; b < ys[0]; ++b) {
          for (int64_t oy = 0; oy < ys[2]; ++oy) {
            for (int64_t ox = 0; ox < ys[3]; ++ox) {
              int64_t k = 0;
              for (int64_t ic = 0; ic < cin_g; ++ic) {
                for (int64_t ky = 0; ky < kh; ++ky) {
                  for (int64_t kx = 0; kx < kw; ++kx, ++k) {
                    const int64_t iy = oy * st[0] - pd[0] + ky * dl[0], ix = ox * st[1] - pd[1] + kx * dl[1];
                    xv[k] = (iy < 0 || iy >= xs[2] || ix < 0 || ix >= xs[3])
                                ? 0
                                : static_cast<int64_t>(x.data[((b * xs[1] + gi * cin_g + ic) * xs[2] + iy) * xs[3] + ix]) - zx;
                  }
                }
              }
              const std::vector<int64_t> acc = run_dot(xv, cw);
              for (int64_t oc = 0; oc < cout_g; ++oc) {
                const int64_t c = gi * cout_g + oc;
                y[((b * cout + c) * ys[2] + oy) * ys[3] + ox] =
                    static_cast<double>(acc[oc]) * (sx * scale_of(c)) + (bias.empty() ? 0.0 : bias[c]);
              }
            }
          }
        }
      }
    } else {
      // gemm / matmul with a 2-D weight: rows of x against the K x N matrix.
      const bool gemm = n.op == ir::Op::kGemm;
      const bool ta = gemm && n.GetInt("trans_a"), tb = gemm && n.GetInt("trans_b");
      if (w.type.rank() != 2) {
        return absl::StatusOr<std::vector<ir::HostTensor>>(absl::UnimplementedError("batched weights on crossbars"));
      }
      const int64_t kdim = tb ? w.type.shape[1] : w.type.shape[0];
      const int64_t ncols = tb ? w.type.shape[0] : w.type.shape[1];
      const int64_t rows = x.size() / kdim;
      std::vector<double> cvals;
      ir::Shape cs;
      if (gemm && in.size() > 2) {
        cvals = ir::RealValues(*in[2]);
        cs = in[2]->type.shape;
      }
      const double alpha = gemm ? n.GetFloat("alpha") : 1.0, beta = gemm ? n.GetFloat("beta") : 1.0;
      const CellWeights& cw = (*cells)[0];
      std::vector<int64_t> xv(kdim);
      for (int64_t r = 0; r < rows; ++r) {
        // Row r of op(a): a itself, or a's column r when trans_a.
        for (int64_t k = 0; k < kdim; ++k) {
          xv[k] = static_cast<int64_t>(x.data[ta ? k * rows + r : r * kdim + k]) - zx;
        }
        const std::vector<int64_t> acc = run_dot(xv, cw);
        for (int64_t c = 0; c < ncols; ++c) {
          double v = gemm ? alpha * static_cast<double>(acc[c]) * (sx * scale_of(c))
                          : static_cast<double>(acc[c]) * (sx * scale_of(c));
          if (!cvals.empty()) {
            // Broadcast c to [rows, ncols] as the interpreter does.
            const int64_t idx = ir::BroadcastIndex(r * ncols + c, {rows, ncols}, cs);
            v += beta * cvals[idx];
          }
          y[r * ncols + c] = v;
        }
      }
    }
    std::vector<ir::HostTensor> out;
    out.push_back(ir::MakeHostTensor(out_t, std::move(y)));
    return absl::StatusOr<std::vector<ir::HostTensor>>(std::move(out));
  };
  IMCC_ASSIGN_OR_RETURN(res.outputs, ir::Interpret(quantised, inputs, opt));
  return res;
}

double MaxAbsDiff(const std::vector<ir::HostTensor>& a, const std::vector<ir::HostTensor>& b) {
  double m = 0;
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    const std::vector<double> x = ir::RealValues(a[i]), y = ir::RealValues(b[i]);
    for (size_t k = 0; k < std::min(x.size(), y.size()); ++k) m = std::max(m, std::fabs(x[k] - y[k]));
  }
  return m;
}

}  // namespace imcc::crossbar
