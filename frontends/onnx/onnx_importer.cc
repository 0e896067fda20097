#include "frontends/onnx/onnx_importer.h"

#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <sstream>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "ir/shape_inference.h"
#include "ir/support/status_macros.h"
#include "ir/verifier.h"
#include "onnx/checker.h"
#include "onnx/onnx_pb.h"
#include "onnx/shape_inference/implementation.h"
#include "onnx/version_converter/convert.h"

namespace imcc::frontends {
namespace {

using ir::DType;
using ir::Shape;
using ir::TensorType;

// A tensor known at import time (initializer with data, Constant, or a
// folded shape computation). Bytes are little-endian at DTypeStorageBytes.
struct Const {
  DType dtype = DType::kI64;
  Shape shape;
  std::string bytes;

  int64_t size() const { return ir::NumElements(shape); }
  double At(int64_t i) const {
    switch (dtype) {
      case DType::kF32: { float v; std::memcpy(&v, bytes.data() + 4 * i, 4); return v; }
      case DType::kI64: { int64_t v; std::memcpy(&v, bytes.data() + 8 * i, 8); return static_cast<double>(v); }
      case DType::kI32: { int32_t v; std::memcpy(&v, bytes.data() + 4 * i, 4); return v; }
      case DType::kI8: return static_cast<int8_t>(bytes[i]);
      case DType::kU8: return static_cast<uint8_t>(bytes[i]);
      case DType::kBool: return bytes[i] != 0;
      default: return 0;
    }
  }
  std::vector<int64_t> Ints() const {
    std::vector<int64_t> out(size());
    for (int64_t i = 0; i < size(); ++i) {
      if (dtype == DType::kI64) std::memcpy(&out[i], bytes.data() + 8 * i, 8);
      else out[i] = static_cast<int64_t>(At(i));
    }
    return out;
  }
  static Const Make(DType dtype, Shape shape, const std::vector<double>& values) {
    Const c;
    c.dtype = dtype;
    c.shape = std::move(shape);
    const int w = ir::DTypeStorageBytes(dtype);
    c.bytes.resize(values.size() * w);
    for (size_t i = 0; i < values.size(); ++i) {
      char* p = c.bytes.data() + i * w;
      switch (dtype) {
        case DType::kF32: { float v = static_cast<float>(values[i]); std::memcpy(p, &v, 4); break; }
        case DType::kI64: { int64_t v = static_cast<int64_t>(values[i]); std::memcpy(p, &v, 8); break; }
        case DType::kI32: { int32_t v = static_cast<int32_t>(values[i]); std::memcpy(p, &v, 4); break; }
        case DType::kBool: *p = values[i] != 0; break;
        case DType::kI8: *p = static_cast<int8_t>(values[i]); break;
        case DType::kU8: *p = static_cast<char>(static_cast<uint8_t>(values[i])); break;
        default: break;
      }
    }
    return c;
  }
  static Const FromInts(const std::vector<int64_t>& v, Shape shape) {
    Const c;
    c.dtype = DType::kI64;
    c.shape = std::move(shape);
    c.bytes.assign(reinterpret_cast<const char*>(v.data()), v.size() * 8);
    return c;
  }
  bool Foldable() const {  // types the folder computes on
    return dtype == DType::kF32 || dtype == DType::kI64 || dtype == DType::kI32 ||
           dtype == DType::kBool || dtype == DType::kI8 || dtype == DType::kU8;
  }
};

absl::StatusOr<DType> DTypeFromOnnx(int t, absl::string_view what) {
  switch (t) {
    case onnx::TensorProto::FLOAT: return DType::kF32;
    case onnx::TensorProto::FLOAT16: return DType::kF16;
    case onnx::TensorProto::BFLOAT16: return DType::kBF16;
    case onnx::TensorProto::INT64: return DType::kI64;
    case onnx::TensorProto::INT32: return DType::kI32;
    case onnx::TensorProto::INT8: return DType::kI8;
    case onnx::TensorProto::UINT8: return DType::kU8;
    case onnx::TensorProto::BOOL: return DType::kBool;
    default:
      return absl::UnimplementedError(absl::StrCat(what, " has unsupported ONNX element type ", t));
  }
}

// Returns the tensor's data as bytes, or nullopt when it carries none.
absl::StatusOr<std::optional<std::string>> TensorBytes(const onnx::TensorProto& t, DType dtype) {
  const int64_t n = [&] { int64_t k = 1; for (int64_t d : t.dims()) k *= d; return k; }();
  if (t.data_location() == onnx::TensorProto::EXTERNAL) return std::optional<std::string>();
  if (t.has_raw_data()) {
    if (static_cast<int64_t>(t.raw_data().size()) != n * ir::DTypeStorageBytes(dtype)) {
      return absl::InvalidArgumentError(absl::StrCat("tensor '", t.name(), "' has ", t.raw_data().size(),
                                                     " bytes of data for ", n, " elements"));
    }
    return std::optional<std::string>(t.raw_data());
  }
  std::string out;
  auto put = [&](const void* p, size_t w) { out.append(static_cast<const char*>(p), w); };
  if (dtype == DType::kF32 && t.float_data_size() == n) {
    for (float v : t.float_data()) put(&v, 4);
  } else if (dtype == DType::kI64 && t.int64_data_size() == n) {
    for (int64_t v : t.int64_data()) put(&v, 8);
  } else if ((dtype == DType::kI32 || dtype == DType::kI8 || dtype == DType::kU8 ||
              dtype == DType::kBool || dtype == DType::kF16 || dtype == DType::kBF16) &&
             t.int32_data_size() == n) {
    const int w = ir::DTypeStorageBytes(dtype);
    for (int32_t v : t.int32_data()) put(&v, w);  // little-endian low bytes
  } else if (n == 0) {
    return std::optional<std::string>(std::string());
  } else {
    return std::optional<std::string>();
  }
  return std::optional<std::string>(std::move(out));
}

const onnx::AttributeProto* FindAttr(const onnx::NodeProto& n, absl::string_view name) {
  for (const auto& a : n.attribute()) {
    if (a.name() == name) return &a;
  }
  return nullptr;
}
int64_t AttrInt(const onnx::NodeProto& n, absl::string_view name, int64_t def) {
  const onnx::AttributeProto* a = FindAttr(n, name);
  return a == nullptr ? def : a->i();
}
float AttrFloat(const onnx::NodeProto& n, absl::string_view name, float def) {
  const onnx::AttributeProto* a = FindAttr(n, name);
  return a == nullptr ? def : a->f();
}
std::string AttrString(const onnx::NodeProto& n, absl::string_view name, std::string def) {
  const onnx::AttributeProto* a = FindAttr(n, name);
  return a == nullptr ? def : a->s();
}
std::optional<std::vector<int64_t>> AttrInts(const onnx::NodeProto& n, absl::string_view name) {
  const onnx::AttributeProto* a = FindAttr(n, name);
  if (a == nullptr) return std::nullopt;
  return std::vector<int64_t>(a->ints().begin(), a->ints().end());
}

// The opset whose semantics ImportNode implements; older models are
// converted to it. Newer ones (up to what libonnx 1.12 knows) import as is.
constexpr int64_t kTargetOpset = 13;
constexpr int64_t kMaxOpset = 17;

std::string FirstLine(std::string msg) {
  for (char& c : msg) {
    if (c == '\n') c = ' ';
  }
  while (!msg.empty() && msg.back() == ' ') msg.pop_back();
  return msg;
}

class Importer {
 public:
  Importer(std::string path, const OnnxImportOptions& options) : path_(std::move(path)), options_(options) {}

  absl::StatusOr<ir::Module> Run();

 private:
  absl::Status Err(absl::StatusCode code, const onnx::NodeProto* node, absl::string_view what) {
    return absl::Status(code, absl::StrCat(path_, node ? absl::StrCat(": node '", NodeName(*node), "' (", node->op_type(), ")") : "", ": ", what));
  }
  std::string NodeName(const onnx::NodeProto& n) const {
    auto it = node_names_.find(&n);
    return it == node_names_.end() ? n.name() : it->second;
  }
  // The IR value for ONNX tensor `name`, materialising constants as weights.
  absl::StatusOr<ir::ValueId> Value(const std::string& name, const onnx::NodeProto& user);
  absl::StatusOr<TensorType> TypeOf(const std::string& name, const onnx::NodeProto& user);
  const Const* ConstOf(const std::string& name) const {
    auto it = consts_.find(name);
    return it == consts_.end() ? nullptr : &it->second;
  }
  absl::StatusOr<std::vector<int64_t>> ConstInts(const onnx::NodeProto& n, int input, absl::string_view what);
  absl::Status Emit(const onnx::NodeProto& n, ir::Op op, std::vector<int> inputs, ir::AttributeMap attrs);
  absl::StatusOr<bool> TryFold(const onnx::NodeProto& n);
  absl::Status ImportNode(const onnx::NodeProto& n);

  std::string path_;
  OnnxImportOptions options_;
  ir::Module module_;
  int64_t opset_ = 0;
  absl::flat_hash_map<std::string, ir::ValueId> values_;   // ONNX name -> IR value
  absl::flat_hash_map<std::string, Const> consts_;         // known at import time
  absl::flat_hash_map<std::string, TensorType> shape_only_; // initializers without data
  absl::flat_hash_map<std::string, const onnx::TypeProto*> onnx_types_;
  std::map<const onnx::NodeProto*, std::string> node_names_;
};

absl::StatusOr<TensorType> Importer::TypeOf(const std::string& name, const onnx::NodeProto& user) {
  if (const Const* c = ConstOf(name)) {
    TensorType t;
    t.dtype = c->dtype;
    t.shape = c->shape;
    return t;
  }
  IMCC_ASSIGN_OR_RETURN(ir::ValueId id, Value(name, user));
  return module_.graph().value(id).type;
}

absl::StatusOr<ir::ValueId> Importer::Value(const std::string& name, const onnx::NodeProto& user) {
  auto it = values_.find(name);
  if (it != values_.end()) return it->second;
  ir::Graph& g = module_.graph();
  if (const Const* c = ConstOf(name)) {
    TensorType t;
    t.dtype = c->dtype;
    t.shape = c->shape;
    IMCC_ASSIGN_OR_RETURN(ir::ValueId id, g.AddWeight(g.UniqueName(name), t,
                                                     options_.shape_only ? nullptr : ir::MakeWeightData(c->bytes)));
    values_[name] = id;
    return id;
  }
  auto so = shape_only_.find(name);
  if (so != shape_only_.end()) {
    IMCC_ASSIGN_OR_RETURN(ir::ValueId id, g.AddWeight(g.UniqueName(name), so->second, nullptr));
    values_[name] = id;
    return id;
  }
  return Err(absl::StatusCode::kInvalidArgument, &user,
             absl::StrCat("input '", name, "' is not produced by any node, input or initializer"));
}

absl::StatusOr<std::vector<int64_t>> Importer::ConstInts(const onnx::NodeProto& n, int input,
                                                         absl::string_view what) {
  if (input >= n.input_size() || n.input(input).empty()) {
    return Err(absl::StatusCode::kInvalidArgument, &n, absl::StrCat("missing ", what, " input"));
  }
  const Const* c = ConstOf(n.input(input));
  if (c == nullptr) {
    return Err(absl::StatusCode::kUnimplemented, &n,
               absl::StrCat(what, " '", n.input(input),
                            "' is computed at run time; imcc needs it constant (static shapes)"));
  }
  return c->Ints();
}

absl::Status Importer::Emit(const onnx::NodeProto& n, ir::Op op, std::vector<int> inputs,
                            ir::AttributeMap attrs) {
  ir::Graph& g = module_.graph();
  std::vector<ir::ValueId> ins;
  std::vector<TensorType> in_types;
  for (int i : inputs) {
    IMCC_ASSIGN_OR_RETURN(ir::ValueId id, Value(n.input(i), n));
    ins.push_back(id);
    in_types.push_back(g.value(id).type);
  }
  absl::StatusOr<std::vector<TensorType>> types = ir::InferResultTypes(op, in_types, attrs);
  if (!types.ok()) return Err(absl::StatusCode::kInvalidArgument, &n, types.status().message());
  std::vector<std::string> names;
  for (size_t i = 0; i < types->size(); ++i) {
    if (static_cast<int>(i) >= n.output_size()) {
      return Err(absl::StatusCode::kInvalidArgument, &n, "has fewer outputs than its attributes give");
    }
    names.push_back(g.UniqueName(n.output(i)));
  }
  // Cross-check against ONNX's own shape inference where it has an answer.
  for (size_t i = 0; i < types->size(); ++i) {
    auto t = onnx_types_.find(n.output(i));
    if (t == onnx_types_.end() || !t->second->tensor_type().has_shape()) continue;
    const auto& dims = t->second->tensor_type().shape().dim();
    bool all_known = true;
    Shape onnx_shape;
    for (const auto& d : dims) {
      all_known &= d.has_dim_value();
      onnx_shape.push_back(d.dim_value());
    }
    if (all_known && onnx_shape != (*types)[i].shape) {
      return Err(absl::StatusCode::kInternal, &n,
                 absl::StrCat("imcc infers ", ir::ShapeToString((*types)[i].shape), " for output '",
                              n.output(i), "', ONNX shape inference says ", ir::ShapeToString(onnx_shape)));
    }
  }
  IMCC_ASSIGN_OR_RETURN(int index, g.AddNode(op, g.UniqueName(NodeName(n)), std::move(ins), names,
                                             std::move(*types), std::move(attrs)));
  for (size_t i = 0; i < names.size(); ++i) values_[n.output(i)] = g.node(index).outputs[i];
  return absl::OkStatus();
}


absl::StatusOr<bool> Importer::TryFold(const onnx::NodeProto& n) {
  const std::string& op = n.op_type();
  auto set = [&](Const c) { consts_[n.output(0)] = std::move(c); return true; };
  if (op == "Constant") {
    if (const onnx::AttributeProto* a = FindAttr(n, "value")) {
      IMCC_ASSIGN_OR_RETURN(DType dt, DTypeFromOnnx(a->t().data_type(), absl::StrCat("Constant '", NodeName(n), "'")));
      IMCC_ASSIGN_OR_RETURN(std::optional<std::string> bytes, TensorBytes(a->t(), dt));
      if (!bytes.has_value()) return Err(absl::StatusCode::kInvalidArgument, &n, "constant has no data");
      Const c;
      c.dtype = dt;
      c.shape.assign(a->t().dims().begin(), a->t().dims().end());
      c.bytes = std::move(*bytes);
      return set(std::move(c));
    }
    if (const onnx::AttributeProto* a = FindAttr(n, "value_float")) return set(Const::Make(DType::kF32, {}, {a->f()}));
    if (const onnx::AttributeProto* a = FindAttr(n, "value_int")) return set(Const::FromInts({a->i()}, {}));
    if (const onnx::AttributeProto* a = FindAttr(n, "value_ints")) {
      return set(Const::FromInts({a->ints().begin(), a->ints().end()}, {a->ints_size()}));
    }
    if (const onnx::AttributeProto* a = FindAttr(n, "value_floats")) {
      return set(Const::Make(DType::kF32, {a->floats_size()}, {a->floats().begin(), a->floats().end()}));
    }
    return Err(absl::StatusCode::kUnimplemented, &n, "unsupported Constant attribute");
  }
  if (op == "Shape") {
    auto it = values_.find(n.input(0));
    Shape s;
    if (const Const* c = ConstOf(n.input(0))) s = c->shape;
    else if (it != values_.end()) s = module_.graph().value(it->second).type.shape;
    else if (shape_only_.count(n.input(0))) s = shape_only_.at(n.input(0)).shape;
    else return false;
    int64_t r = s.size(), start = AttrInt(n, "start", 0), end = AttrInt(n, "end", r);
    if (start < 0) start += r;
    if (end < 0) end += r;
    start = std::clamp<int64_t>(start, 0, r);
    end = std::clamp<int64_t>(end, start, r);
    std::vector<int64_t> dims(s.begin() + start, s.begin() + end);
    return set(Const::FromInts(dims, {static_cast<int64_t>(dims.size())}));
  }
  // Everything else folds only when every (present) input is constant.
  std::vector<const Const*> in;
  for (const std::string& name : n.input()) {
    if (name.empty()) {
      in.push_back(nullptr);
      continue;
    }
    const Const* c = ConstOf(name);
    if (c == nullptr || !c->Foldable()) return false;
    in.push_back(c);
  }
  if (in.empty() || in[0] == nullptr || n.output_size() != 1) return false;
  const Const& a = *in[0];
  static const std::map<std::string, std::function<double(double, double)>> kBinary = {
      {"Add", [](double x, double y) { return x + y; }},
      {"Sub", [](double x, double y) { return x - y; }},
      {"Mul", [](double x, double y) { return x * y; }},
      {"Div", [](double x, double y) { return x / y; }},
      {"Pow", [](double x, double y) { return std::pow(x, y); }},
      {"Max", [](double x, double y) { return std::max(x, y); }},
      {"Min", [](double x, double y) { return std::min(x, y); }},
      {"Equal", [](double x, double y) { return x == y ? 1.0 : 0.0; }},
      {"Less", [](double x, double y) { return x < y ? 1.0 : 0.0; }},
      {"Greater", [](double x, double y) { return x > y ? 1.0 : 0.0; }},
  };
  static const std::map<std::string, std::function<double(double)>> kUnary = {
      {"Sqrt", [](double x) { return std::sqrt(x); }},
      {"Neg", [](double x) { return -x; }},
      {"Reciprocal", [](double x) { return 1.0 / x; }},
      {"Not", [](double x) { return x == 0 ? 1.0 : 0.0; }},
      {"Abs", [](double x) { return std::fabs(x); }},
      {"Floor", [](double x) { return std::floor(x); }},
      {"Ceil", [](double x) { return std::ceil(x); }},
  };
  const bool integral = a.dtype != DType::kF32;
  if (auto b = kBinary.find(op); b != kBinary.end() && in.size() == 2 && in[1] != nullptr) {
    IMCC_ASSIGN_OR_RETURN(Shape out, ir::BroadcastShapes(a.shape, in[1]->shape));
    if (ir::NumElements(out) > (1 << 20)) return false;
    std::vector<double> v(ir::NumElements(out));
    for (int64_t i = 0; i < static_cast<int64_t>(v.size()); ++i) {
      double r = b->second(a.At(ir::BroadcastIndex(i, out, a.shape)),
                           in[1]->At(ir::BroadcastIndex(i, out, in[1]->shape)));
      if (integral && op == "Div") r = std::trunc(r);
      v[i] = r;
    }
    const bool cmp = op == "Equal" || op == "Less" || op == "Greater";
    return set(Const::Make(cmp ? DType::kBool : a.dtype, out, v));
  }
  if (auto u = kUnary.find(op); u != kUnary.end()) {
    std::vector<double> v(a.size());
    for (int64_t i = 0; i < a.size(); ++i) v[i] = u->second(a.At(i));
    return set(Const::Make(a.dtype, a.shape, v));
  }
  if (op == "Where" && in.size() == 3 && in[1] && in[2]) {
    IMCC_ASSIGN_OR_RETURN(Shape out, ir::BroadcastShapes(a.shape, in[1]->shape));
    IMCC_ASSIGN_OR_RETURN(out, ir::BroadcastShapes(out, in[2]->shape));
    std::vector<double> v(ir::NumElements(out));
    for (int64_t i = 0; i < static_cast<int64_t>(v.size()); ++i) {
      v[i] = a.At(ir::BroadcastIndex(i, out, a.shape)) != 0 ? in[1]->At(ir::BroadcastIndex(i, out, in[1]->shape))
                                                        : in[2]->At(ir::BroadcastIndex(i, out, in[2]->shape));
    }
    return set(Const::Make(in[1]->dtype, out, v));
  }
  if (op == "Cast") {
    IMCC_ASSIGN_OR_RETURN(DType to, DTypeFromOnnx(AttrInt(n, "to", 1), "Cast target"));
    std::vector<double> v(a.size());
    for (int64_t i = 0; i < a.size(); ++i) v[i] = a.At(i);
    Const c = Const::Make(to, a.shape, v);
    if (!c.Foldable()) return false;
    return set(std::move(c));
  }
  if (op == "ConstantOfShape") {
    std::vector<int64_t> shape = a.Ints();
    Const fill = Const::Make(DType::kF32, {1}, {0.0});
    if (const onnx::AttributeProto* v = FindAttr(n, "value")) {
      IMCC_ASSIGN_OR_RETURN(DType dt, DTypeFromOnnx(v->t().data_type(), "ConstantOfShape value"));
      IMCC_ASSIGN_OR_RETURN(std::optional<std::string> bytes, TensorBytes(v->t(), dt));
      if (bytes.has_value()) {
        fill.dtype = dt;
        fill.bytes = *bytes;
      }
    }
    if (ir::NumElements(shape) > (1 << 20)) return false;
    std::vector<double> v(ir::NumElements(shape), fill.At(0));
    return set(Const::Make(fill.dtype, shape, v));
  }
  if (op == "Range" && in.size() == 3 && in[1] && in[2]) {
    std::vector<double> v;
    for (double x = a.At(0); (in[2]->At(0) > 0 ? x < in[1]->At(0) : x > in[1]->At(0)); x += in[2]->At(0)) {
      v.push_back(x);
      if (v.size() > (1u << 20)) return false;
    }
    return set(Const::Make(a.dtype, {static_cast<int64_t>(v.size())}, v));
  }
  if (op == "Gather" && in.size() == 2 && in[1]) {
    ir::AttributeMap attrs = {{"axis", ir::Attribute(AttrInt(n, "axis", 0))}};
    TensorType ta, ti;
    ta.dtype = a.dtype; ta.shape = a.shape; ti.dtype = DType::kI64; ti.shape = in[1]->shape;
    absl::StatusOr<std::vector<TensorType>> t = ir::InferResultTypes(ir::Op::kGather, {ta, ti}, attrs);
    if (!t.ok()) return Err(absl::StatusCode::kInvalidArgument, &n, t.status().message());
    int64_t axis = AttrInt(n, "axis", 0);
    if (axis < 0) axis += a.shape.size();
    int64_t outer = 1, inner = 1;
    for (int64_t d = 0; d < axis; ++d) outer *= a.shape[d];
    for (size_t d = axis + 1; d < a.shape.size(); ++d) inner *= a.shape[d];
    const int64_t dim = a.shape[axis];
    std::vector<int64_t> idx = in[1]->Ints();
    std::vector<double> v;
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t k : idx) {
        if (k < 0) k += dim;
        if (k < 0 || k >= dim) return Err(absl::StatusCode::kInvalidArgument, &n, "gather index out of range");
        for (int64_t i = 0; i < inner; ++i) v.push_back(a.At((o * dim + k) * inner + i));
      }
    }
    return set(Const::Make(a.dtype, (*t)[0].shape, v));
  }
  if (op == "Concat") {
    int64_t axis = AttrInt(n, "axis", 0);
    if (axis < 0) axis += a.shape.size();
    Shape out = a.shape;
    for (size_t i = 1; i < in.size(); ++i) out[axis] += in[i]->shape[axis];
    int64_t outer = 1;
    for (int64_t d = 0; d < axis; ++d) outer *= a.shape[d];
    std::vector<double> v;
    for (int64_t o = 0; o < outer; ++o) {
      for (const Const* c : in) {
        const int64_t chunk = c->size() / std::max<int64_t>(outer, 1);
        for (int64_t i = 0; i < chunk; ++i) v.push_back(c->At(o * chunk + i));
      }
    }
    return set(Const::Make(a.dtype, out, v));
  }
  if (op == "Slice" && a.shape.size() == 1) {
    std::vector<int64_t> starts = in.size() > 1 && in[1] ? in[1]->Ints() : *AttrInts(n, "starts");
    std::vector<int64_t> ends = in.size() > 2 && in[2] ? in[2]->Ints() : *AttrInts(n, "ends");
    std::vector<int64_t> steps = in.size() > 4 && in[4] ? in[4]->Ints() : std::vector<int64_t>{1};
    ir::AttributeMap attrs = {{"starts", ir::Attribute(starts)}, {"ends", ir::Attribute(ends)},
                              {"steps", ir::Attribute(steps)}};
    TensorType ta;
    ta.dtype = a.dtype; ta.shape = a.shape;
    absl::StatusOr<std::vector<TensorType>> t = ir::InferResultTypes(ir::Op::kSlice, {ta}, attrs);
    if (!t.ok()) return Err(absl::StatusCode::kInvalidArgument, &n, t.status().message());
    const int64_t dim = a.shape[0];
    int64_t s = starts[0] < 0 ? starts[0] + dim : starts[0];
    s = steps[0] > 0 ? std::clamp<int64_t>(s, 0, dim) : std::clamp<int64_t>(s, 0, dim - 1);
    std::vector<double> v;
    for (int64_t i = 0; i < (*t)[0].shape[0]; ++i) v.push_back(a.At(s + i * steps[0]));
    return set(Const::Make(a.dtype, (*t)[0].shape, v));
  }
  if (op == "Unsqueeze" || op == "Squeeze" || op == "Reshape" || op == "Flatten" || op == "Identity") {
    return false;  // handled as data-movement in ImportNode (works for constants too)
  }
  return false;
}

absl::Status Importer::ImportNode(const onnx::NodeProto& n) {
  using ir::Attribute;
  using ir::Op;
  if (!n.domain().empty() && n.domain() != "ai.onnx") {
    return Err(absl::StatusCode::kUnimplemented, &n,
               absl::StrCat("has unsupported op type '", n.op_type(), "' (domain '", n.domain(), "')"));
  }
  IMCC_ASSIGN_OR_RETURN(bool folded, TryFold(n));
  if (folded) return absl::OkStatus();
  const std::string& op = n.op_type();
  auto ints = [](std::vector<int64_t> v) { return Attribute(std::move(v)); };
  // Data movement that also applies to constants: compute the result shape
  // and alias the bytes when the input is known.
  auto data_movement = [&](Op ir_op, ir::AttributeMap attrs) -> absl::Status {
    if (const Const* c = ConstOf(n.input(0)); c != nullptr && ir_op != Op::kTranspose) {
      TensorType t;
      t.dtype = c->dtype;
      t.shape = c->shape;
      absl::StatusOr<std::vector<TensorType>> r = ir::InferResultTypes(ir_op, {t}, attrs);
      if (!r.ok()) return Err(absl::StatusCode::kInvalidArgument, &n, r.status().message());
      Const out = *c;  // copied before operator[] may rehash
      out.shape = (*r)[0].shape;
      consts_[n.output(0)] = std::move(out);
      return absl::OkStatus();
    }
    return Emit(n, ir_op, {0}, std::move(attrs));
  };
  static const std::map<std::string, Op> kSimple = {
      {"Abs", Op::kAbs}, {"Add", Op::kAdd}, {"Ceil", Op::kCeil}, {"Cos", Op::kCos},
      {"Div", Op::kDiv}, {"Equal", Op::kEqual}, {"Erf", Op::kErf}, {"Exp", Op::kExp},
      {"Floor", Op::kFloor}, {"Greater", Op::kGreater}, {"Less", Op::kLess}, {"Log", Op::kLog},
      {"MatMul", Op::kMatMul}, {"Mul", Op::kMul}, {"Neg", Op::kNeg}, {"Not", Op::kNot},
      {"Reciprocal", Op::kReciprocal}, {"Relu", Op::kRelu},
      {"Sigmoid", Op::kSigmoid}, {"Sin", Op::kSin}, {"Softplus", Op::kSoftplus},
      {"Sqrt", Op::kSqrt}, {"Sub", Op::kSub}, {"Tanh", Op::kTanh}, {"Where", Op::kWhere},
      {"GlobalAveragePool", Op::kGlobalAvgPool}, {"GlobalMaxPool", Op::kGlobalMaxPool},
      {"HardSwish", Op::kHardSwish},
  };
  if (auto it = kSimple.find(op); it != kSimple.end()) {
    std::vector<int> inputs(n.input_size());
    for (int i = 0; i < n.input_size(); ++i) inputs[i] = i;
    return Emit(n, it->second, inputs, {});
  }
  if (op == "Pow") {
    IMCC_ASSIGN_OR_RETURN(TensorType base, TypeOf(n.input(0), n));
    IMCC_ASSIGN_OR_RETURN(TensorType exponent, TypeOf(n.input(1), n));
    if (base.dtype != exponent.dtype) {
      // ONNX lets the exponent's type differ; imcc casts it to the base's.
      onnx::NodeProto cast;
      cast.set_name(NodeName(n) + "/exponent_cast");
      cast.set_op_type("Cast");
      cast.add_input(n.input(1));
      cast.add_output(module_.graph().UniqueName(n.input(1) + ".cast"));
      node_names_[&cast] = cast.name();
      IMCC_RETURN_IF_ERROR(Emit(cast, Op::kCast, {0},
                                {{"to", Attribute(std::string(ir::DTypeName(base.dtype)))}}));
      onnx::NodeProto pow = n;
      pow.set_input(1, cast.output(0));
      node_names_[&pow] = NodeName(n);
      absl::Status s = Emit(pow, Op::kPow, {0, 1}, {});
      node_names_.erase(&pow);
      node_names_.erase(&cast);
      return s;
    }
    return Emit(n, Op::kPow, {0, 1}, {});
  }
  if ((op == "Max" || op == "Min") && n.input_size() == 2) {
    return Emit(n, op == "Max" ? Op::kMax : Op::kMin, {0, 1}, {});
  }
  if (op == "Identity" || op == "Dropout") {
    if (op == "Dropout" && n.output_size() > 1 && !n.output(1).empty()) {
      return Err(absl::StatusCode::kUnimplemented, &n, "Dropout's mask output is not supported");
    }
    if (op == "Dropout" && n.input_size() > 2 && !n.input(2).empty()) {
      const Const* training = ConstOf(n.input(2));
      if (training == nullptr || training->At(0) != 0) {
        return Err(absl::StatusCode::kUnimplemented, &n, "training-mode Dropout (imcc compiles inference)");
      }
    }
    if (const Const* c = ConstOf(n.input(0))) {
      Const copy = *c;  // operator[] may rehash
      consts_[n.output(0)] = std::move(copy);
      return absl::OkStatus();
    }
    if (shape_only_.count(n.input(0)) && !values_.count(n.input(0))) {
      TensorType t = shape_only_.at(n.input(0));  // copy: operator[] may rehash
      shape_only_[n.output(0)] = std::move(t);
      return absl::OkStatus();
    }
    IMCC_ASSIGN_OR_RETURN(ir::ValueId v, Value(n.input(0), n));
    values_[n.output(0)] = v;  // alias: no node
    return absl::OkStatus();
  }
  if (op == "Conv") {
    ir::AttributeMap a;
    IMCC_ASSIGN_OR_RETURN(TensorType x, TypeOf(n.input(0), n));
    IMCC_ASSIGN_OR_RETURN(TensorType w, TypeOf(n.input(1), n));
    const std::string auto_pad = AttrString(n, "auto_pad", "NOTSET");
    std::vector<int64_t> strides = AttrInts(n, "strides").value_or(std::vector<int64_t>{});
    std::vector<int64_t> dil = AttrInts(n, "dilations").value_or(std::vector<int64_t>{});
    std::vector<int64_t> pads = AttrInts(n, "pads").value_or(std::vector<int64_t>{});
    if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
      const size_t sp = x.shape.size() - 2;
      pads.assign(2 * sp, 0);
      for (size_t i = 0; i < sp; ++i) {
        const int64_t s = strides.empty() ? 1 : strides[i], d = dil.empty() ? 1 : dil[i];
        const int64_t out = (x.shape[i + 2] + s - 1) / s;
        const int64_t total = std::max<int64_t>(0, (out - 1) * s + d * (w.shape[i + 2] - 1) + 1 - x.shape[i + 2]);
        pads[i] = auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
        pads[i + sp] = total - pads[i];
      }
    } else if (auto_pad != "NOTSET" && auto_pad != "VALID") {
      return Err(absl::StatusCode::kUnimplemented, &n, absl::StrCat("auto_pad '", auto_pad, "'"));
    }
    a["strides"] = ints(strides);
    a["pads"] = ints(pads);
    a["dilations"] = ints(dil);
    a["group"] = Attribute(AttrInt(n, "group", 1));
    std::vector<int> in = {0, 1};
    if (n.input_size() > 2 && !n.input(2).empty()) in.push_back(2);
    return Emit(n, Op::kConv, in, a);
  }
  if (op == "Gemm") {
    ir::AttributeMap a = {{"alpha", Attribute(static_cast<double>(AttrFloat(n, "alpha", 1.0f)))},
                          {"beta", Attribute(static_cast<double>(AttrFloat(n, "beta", 1.0f)))},
                          {"trans_a", Attribute(AttrInt(n, "transA", 0))},
                          {"trans_b", Attribute(AttrInt(n, "transB", 0))}};
    std::vector<int> in = {0, 1};
    if (n.input_size() > 2 && !n.input(2).empty()) in.push_back(2);
    return Emit(n, Op::kGemm, in, a);
  }
  if (op == "BatchNormalization") {
    if (n.output_size() > 1) {
      return Err(absl::StatusCode::kUnimplemented, &n, "training-mode BatchNormalization (extra outputs)");
    }
    return Emit(n, Op::kBatchNorm, {0, 1, 2, 3, 4},
                {{"epsilon", Attribute(static_cast<double>(AttrFloat(n, "epsilon", 1e-5f)))}});
  }
  if (op == "LayerNormalization") {
    for (int i = 1; i < n.output_size(); ++i) {
      if (!n.output(i).empty()) {
        return Err(absl::StatusCode::kUnimplemented, &n, "LayerNormalization's Mean/InvStdDev outputs");
      }
    }
    std::vector<int> in = {0};
    for (int i = 1; i < std::min(n.input_size(), 3); ++i) {
      if (!n.input(i).empty()) in.push_back(i);
    }
    return Emit(n, Op::kLayerNorm, in,
                {{"axis", Attribute(AttrInt(n, "axis", -1))},
                 {"epsilon", Attribute(static_cast<double>(AttrFloat(n, "epsilon", 1e-5f)))}});
  }
  if (op == "MaxPool" || op == "AveragePool") {
    if (op == "MaxPool" && n.output_size() > 1 && !n.output(1).empty()) {
      return Err(absl::StatusCode::kUnimplemented, &n, "MaxPool's indices output is not supported");
    }
    if (AttrString(n, "auto_pad", "NOTSET") != "NOTSET" && AttrString(n, "auto_pad", "NOTSET") != "VALID") {
      return Err(absl::StatusCode::kUnimplemented, &n, "pooling with auto_pad SAME_*");
    }
    std::optional<std::vector<int64_t>> k = AttrInts(n, "kernel_shape");
    if (!k.has_value()) return Err(absl::StatusCode::kInvalidArgument, &n, "missing kernel_shape");
    ir::AttributeMap a = {{"kernel_shape", ints(*k)},
                          {"strides", ints(AttrInts(n, "strides").value_or(std::vector<int64_t>{}))},
                          {"pads", ints(AttrInts(n, "pads").value_or(std::vector<int64_t>{}))},
                          {"ceil_mode", Attribute(AttrInt(n, "ceil_mode", 0))}};
    if (op == "MaxPool") {
      a["dilations"] = ints(AttrInts(n, "dilations").value_or(std::vector<int64_t>{}));
      return Emit(n, Op::kMaxPool, {0}, a);
    }
    a["count_include_pad"] = Attribute(AttrInt(n, "count_include_pad", 0));
    return Emit(n, Op::kAvgPool, {0}, a);
  }
  if (op == "Softmax" || op == "LogSoftmax") {
    IMCC_ASSIGN_OR_RETURN(TensorType x, TypeOf(n.input(0), n));
    int64_t axis = AttrInt(n, "axis", opset_ >= 13 ? -1 : 1);
    if (opset_ < 13 && axis != -1 && axis != x.rank() - 1) {
      return Err(absl::StatusCode::kUnimplemented, &n,
                 absl::StrCat("opset-", opset_, " softmax over flattened axes >= ", axis));
    }
    return Emit(n, op == "Softmax" ? Op::kSoftmax : Op::kLogSoftmax, {0}, {{"axis", Attribute(axis)}});
  }
  if (op == "LeakyRelu") {
    return Emit(n, Op::kLeakyRelu, {0}, {{"alpha", Attribute(static_cast<double>(AttrFloat(n, "alpha", 0.01f)))}});
  }
  if (op == "HardSigmoid") {
    return Emit(n, Op::kHardSigmoid, {0},
                {{"alpha", Attribute(static_cast<double>(AttrFloat(n, "alpha", 0.2f)))},
                 {"beta", Attribute(static_cast<double>(AttrFloat(n, "beta", 0.5f)))}});
  }
  if (op == "Gelu") {
    return Emit(n, Op::kGelu, {0}, {{"approximate", Attribute(AttrString(n, "approximate", "none"))}});
  }
  if (op == "Clip") {
    double lo = -std::numeric_limits<double>::infinity(), hi = std::numeric_limits<double>::infinity();
    if (const onnx::AttributeProto* a = FindAttr(n, "min")) lo = a->f();
    if (const onnx::AttributeProto* a = FindAttr(n, "max")) hi = a->f();
    for (int i = 1; i < std::min(n.input_size(), 3); ++i) {
      if (n.input(i).empty()) continue;
      const Const* c = ConstOf(n.input(i));
      if (c == nullptr || c->size() != 1) {
        return Err(absl::StatusCode::kUnimplemented, &n, "Clip bounds must be constant scalars");
      }
      (i == 1 ? lo : hi) = c->At(0);
    }
    return Emit(n, Op::kClip, {0}, {{"min", Attribute(lo)}, {"max", Attribute(hi)}});
  }
  if (op == "Cast") {
    IMCC_ASSIGN_OR_RETURN(DType to, DTypeFromOnnx(AttrInt(n, "to", 1), absl::StrCat("node '", NodeName(n), "' Cast target")));
    return Emit(n, Op::kCast, {0}, {{"to", Attribute(std::string(ir::DTypeName(to)))}});
  }
  if (op == "Reshape") {
    IMCC_ASSIGN_OR_RETURN(std::vector<int64_t> shape, ConstInts(n, 1, "shape"));
    IMCC_ASSIGN_OR_RETURN(TensorType x, TypeOf(n.input(0), n));
    const bool allow_zero = AttrInt(n, "allowzero", 0) != 0;
    int64_t known = 1;
    int infer = -1;
    for (size_t i = 0; i < shape.size(); ++i) {
      if (shape[i] == 0 && !allow_zero) {
        if (i >= x.shape.size()) return Err(absl::StatusCode::kInvalidArgument, &n, "shape copies a missing dim");
        shape[i] = x.shape[i];
      }
      if (shape[i] == -1) {
        if (infer >= 0) return Err(absl::StatusCode::kInvalidArgument, &n, "shape has two -1 dims");
        infer = static_cast<int>(i);
      } else {
        known *= shape[i];
      }
    }
    if (infer >= 0) shape[infer] = known == 0 ? 0 : x.num_elements() / known;
    return data_movement(Op::kReshape, {{"shape", ints(shape)}});
  }
  if (op == "Flatten") return data_movement(Op::kFlatten, {{"axis", Attribute(AttrInt(n, "axis", 1))}});
  if (op == "Squeeze" || op == "Unsqueeze") {
    std::vector<int64_t> axes;
    if (std::optional<std::vector<int64_t>> a = AttrInts(n, "axes")) {
      axes = *a;
    } else if (n.input_size() > 1 && !n.input(1).empty()) {
      IMCC_ASSIGN_OR_RETURN(axes, ConstInts(n, 1, "axes"));
    } else if (op == "Squeeze") {
      IMCC_ASSIGN_OR_RETURN(TensorType x, TypeOf(n.input(0), n));
      for (int i = 0; i < x.rank(); ++i) {
        if (x.shape[i] == 1) axes.push_back(i);
      }
    }
    return data_movement(op == "Squeeze" ? Op::kSqueeze : Op::kUnsqueeze, {{"axes", ints(axes)}});
  }
  if (op == "Transpose") {
    return Emit(n, Op::kTranspose, {0}, {{"perm", ints(AttrInts(n, "perm").value_or(std::vector<int64_t>{}))}});
  }
  if (op == "Concat") {
    std::vector<int> in(n.input_size());
    for (int i = 0; i < n.input_size(); ++i) in[i] = i;
    return Emit(n, Op::kConcat, in, {{"axis", Attribute(AttrInt(n, "axis", 0))}});
  }
  if (op == "Split") {
    IMCC_ASSIGN_OR_RETURN(TensorType x, TypeOf(n.input(0), n));
    int64_t axis = AttrInt(n, "axis", 0);
    std::vector<int64_t> split;
    if (std::optional<std::vector<int64_t>> s = AttrInts(n, "split")) {
      split = *s;
    } else if (n.input_size() > 1 && !n.input(1).empty()) {
      IMCC_ASSIGN_OR_RETURN(split, ConstInts(n, 1, "split"));
    } else {
      const int64_t dim = x.shape[axis < 0 ? axis + x.rank() : axis];
      const int64_t parts = n.output_size();
      if (dim % parts != 0) return Err(absl::StatusCode::kInvalidArgument, &n, "uneven split without sizes");
      split.assign(parts, dim / parts);
    }
    return Emit(n, Op::kSplit, {0}, {{"axis", Attribute(axis)}, {"split", ints(split)}});
  }
  if (op == "Slice") {
    IMCC_ASSIGN_OR_RETURN(std::vector<int64_t> starts, ConstInts(n, 1, "starts"));
    IMCC_ASSIGN_OR_RETURN(std::vector<int64_t> ends, ConstInts(n, 2, "ends"));
    ir::AttributeMap a = {{"starts", ints(starts)}, {"ends", ints(ends)}};
    if (n.input_size() > 3 && !n.input(3).empty()) {
      IMCC_ASSIGN_OR_RETURN(std::vector<int64_t> axes, ConstInts(n, 3, "axes"));
      a["axes"] = ints(axes);
    }
    if (n.input_size() > 4 && !n.input(4).empty()) {
      IMCC_ASSIGN_OR_RETURN(std::vector<int64_t> steps, ConstInts(n, 4, "steps"));
      a["steps"] = ints(steps);
    }
    return Emit(n, Op::kSlice, {0}, a);
  }
  if (op == "Gather") {
    return Emit(n, Op::kGather, {0, 1}, {{"axis", Attribute(AttrInt(n, "axis", 0))}});
  }
  if (op == "Pad") {
    std::vector<int64_t> pads;
    double value = 0;
    if (std::optional<std::vector<int64_t>> p = AttrInts(n, "pads")) {
      pads = *p;
      value = AttrFloat(n, "value", 0.0f);
    } else {
      IMCC_ASSIGN_OR_RETURN(pads, ConstInts(n, 1, "pads"));
      if (n.input_size() > 2 && !n.input(2).empty()) {
        const Const* c = ConstOf(n.input(2));
        if (c == nullptr) return Err(absl::StatusCode::kUnimplemented, &n, "pad value must be constant");
        value = c->At(0);
      }
    }
    return Emit(n, Op::kPad, {0},
                {{"pads", ints(pads)}, {"mode", Attribute(AttrString(n, "mode", "constant"))},
                 {"value", Attribute(value)}});
  }
  if (op == "Expand") {
    IMCC_ASSIGN_OR_RETURN(std::vector<int64_t> shape, ConstInts(n, 1, "shape"));
    return Emit(n, Op::kExpand, {0}, {{"shape", ints(shape)}});
  }
  if (op == "ReduceMean" || op == "ReduceSum" || op == "ReduceMax" || op == "ReduceMin") {
    std::vector<int64_t> axes = AttrInts(n, "axes").value_or(std::vector<int64_t>{});
    if (n.input_size() > 1 && !n.input(1).empty()) {
      IMCC_ASSIGN_OR_RETURN(axes, ConstInts(n, 1, "axes"));
    }
    if (axes.empty() && AttrInt(n, "noop_with_empty_axes", 0) != 0) {
      return Err(absl::StatusCode::kUnimplemented, &n, "noop_with_empty_axes");
    }
    const Op ir_op = op == "ReduceMean" ? Op::kReduceMean
                     : op == "ReduceSum" ? Op::kReduceSum
                     : op == "ReduceMax" ? Op::kReduceMax
                                         : Op::kReduceMin;
    return Emit(n, ir_op, {0}, {{"axes", ints(axes)}, {"keepdims", Attribute(AttrInt(n, "keepdims", 1))}});
  }
  if (op == "Shape" || op == "ConstantOfShape" || op == "Range" || op == "Constant") {
    return Err(absl::StatusCode::kUnimplemented, &n,
               "is a shape computation on run-time values that imcc cannot fold (static shapes only)");
  }
  return Err(absl::StatusCode::kUnimplemented, &n, absl::StrCat("has unsupported op type '", op, "'"));
}

absl::StatusOr<ir::Module> Importer::Run() {
  std::ifstream f(path_, std::ios::binary);
  if (!f) return absl::NotFoundError(absl::StrCat(path_, ": no such file"));
  std::stringstream buffer;
  buffer << f.rdbuf();
  const std::string bytes = buffer.str();
  if (bytes.empty()) return absl::InvalidArgumentError(absl::StrCat(path_, ": empty file"));
  onnx::ModelProto model;
  if (!model.ParseFromString(bytes) || !model.has_graph()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path_, ": not an ONNX model (the protobuf does not parse; truncated or another format?)"));
  }
  for (const auto& o : model.opset_import()) {
    if (o.domain().empty() || o.domain() == "ai.onnx") opset_ = o.version();
  }
  if (opset_ < 1 || opset_ > kMaxOpset) {
    return absl::UnimplementedError(absl::StrCat(path_, ": default-domain opset ", opset_,
                                                 " is outside the supported range 1..", kMaxOpset));
  }
  if (opset_ < kTargetOpset) {
    // libonnx's version converter brings older models to the opset whose
    // semantics the importer implements (legacy broadcasting, attribute
    // forms of Reshape/Squeeze/Slice, BatchNormalization flags, ...).
    try {
      model = onnx::version_conversion::ConvertVersion(model, kTargetOpset);
    } catch (const std::exception& e) {
      return absl::UnimplementedError(absl::StrCat(path_, ": cannot convert opset ", opset_,
                                                   " to ", kTargetOpset, ": ", FirstLine(e.what())));
    }
    opset_ = kTargetOpset;
  }
  // Shape-only initializers would fail the checker (their data file is
  // absent); check a copy in which they are graph inputs instead.
  onnx::ModelProto checked = model;
  {
    auto* g = checked.mutable_graph();
    google::protobuf::RepeatedPtrField<onnx::TensorProto> keep;
    for (const onnx::TensorProto& t : g->initializer()) {
      absl::StatusOr<DType> dt = DTypeFromOnnx(t.data_type(), absl::StrCat("initializer '", t.name(), "'"));
      if (!dt.ok()) return absl::Status(dt.status().code(), absl::StrCat(path_, ": ", dt.status().message()));
      IMCC_ASSIGN_OR_RETURN(std::optional<std::string> data, TensorBytes(t, *dt));
      if (data.has_value()) {
        *keep.Add() = t;
        continue;
      }
      onnx::ValueInfoProto* in = g->add_input();
      in->set_name(t.name());
      auto* tt = in->mutable_type()->mutable_tensor_type();
      tt->set_elem_type(t.data_type());
      for (int64_t d : t.dims()) tt->mutable_shape()->add_dim()->set_dim_value(d);
    }
    g->mutable_initializer()->Swap(&keep);
    // Drop duplicate graph inputs (older exporters list initializers as inputs).
    std::map<std::string, int> seen;
    google::protobuf::RepeatedPtrField<onnx::ValueInfoProto> inputs;
    for (const auto& in : g->input()) {
      if (seen[in.name()]++ == 0) *inputs.Add() = in;
    }
    g->mutable_input()->Swap(&inputs);
  }
  try {
    onnx::checker::check_model(checked);
    onnx::shape_inference::InferShapes(checked);
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat(path_, ": ONNX checker: ", FirstLine(e.what())));
  }
  for (const auto& vi : checked.graph().value_info()) onnx_types_[vi.name()] = &vi.type();
  for (const auto& vi : checked.graph().output()) onnx_types_[vi.name()] = &vi.type();

  const onnx::GraphProto& graph = model.graph();
  module_.set_name(graph.name().empty() ? "main" : graph.name());
  module_.mutable_metadata()["source"] = path_.substr(path_.rfind('/') + 1);
  if (!model.producer_name().empty()) {
    module_.mutable_metadata()["producer"] = absl::StrCat(model.producer_name(), " ", model.producer_version());
  }
  module_.mutable_metadata()["opset"] = absl::StrCat(opset_);
  // Initializers.
  absl::flat_hash_map<std::string, bool> is_initializer;
  for (const onnx::TensorProto& t : graph.initializer()) {
    is_initializer[t.name()] = true;
    IMCC_ASSIGN_OR_RETURN(DType dt, DTypeFromOnnx(t.data_type(), absl::StrCat("initializer '", t.name(), "'")));
    IMCC_ASSIGN_OR_RETURN(std::optional<std::string> data, TensorBytes(t, dt));
    TensorType type;
    type.dtype = dt;
    type.shape.assign(t.dims().begin(), t.dims().end());
    if (data.has_value() && !options_.shape_only) {
      Const c;
      c.dtype = dt;
      c.shape = type.shape;
      c.bytes = std::move(*data);
      consts_[t.name()] = std::move(c);
    } else {
      shape_only_[t.name()] = type;
    }
  }
  // Graph inputs (those that are not initializers).
  for (const onnx::ValueInfoProto& in : graph.input()) {
    if (is_initializer.count(in.name())) continue;
    const auto& tt = in.type().tensor_type();
    IMCC_ASSIGN_OR_RETURN(DType dt, DTypeFromOnnx(tt.elem_type(), absl::StrCat(path_, ": input '", in.name(), "'")));
    TensorType type;
    type.dtype = dt;
    for (const auto& d : tt.shape().dim()) {
      if (!d.has_dim_value()) {
        return absl::InvalidArgumentError(absl::StrCat(
            path_, ": input '", in.name(), "' has symbolic dimension '", d.dim_param(),
            "'; imcc needs static shapes (re-export with a fixed batch and sequence length)"));
      }
      type.shape.push_back(d.dim_value());
    }
    IMCC_ASSIGN_OR_RETURN(ir::ValueId id, module_.graph().AddInput(in.name(), type));
    values_[in.name()] = id;
  }
  // Stable, unique node names.
  std::map<std::string, int> used;
  for (int i = 0; i < graph.node_size(); ++i) {
    const onnx::NodeProto& n = graph.node(i);
    std::string name = n.name().empty() ? absl::StrCat(n.op_type(), "_", i) : n.name();
    if (used[name]++ > 0) name = absl::StrCat(name, "_", i);
    node_names_[&n] = name;
  }
  for (const onnx::NodeProto& n : graph.node()) IMCC_RETURN_IF_ERROR(ImportNode(n));
  for (const onnx::ValueInfoProto& out : graph.output()) {
    auto it = values_.find(out.name());
    if (it == values_.end()) {
      if (ConstOf(out.name()) != nullptr || shape_only_.count(out.name())) {
        return absl::UnimplementedError(absl::StrCat(path_, ": output '", out.name(),
                                                     "' is a constant; nothing to compile"));
      }
      return absl::InvalidArgumentError(absl::StrCat(path_, ": output '", out.name(), "' is never produced"));
    }
    module_.graph().AddOutput(it->second);
  }
  absl::Status v = ir::VerifyModule(module_);
  if (!v.ok()) return absl::InternalError(absl::StrCat(path_, ": imported IR is invalid: ", v.message()));
  return std::move(module_);
}

}  // namespace

absl::StatusOr<ir::Module> ImportOnnxFile(const std::string& path, const OnnxImportOptions& options) {
  return Importer(path, options).Run();
}

bool LooksLikeOnnx(const std::string& path, const std::string& header) {
  if (absl::EndsWith(path, ".onnx")) return true;
  // A ModelProto starts with field 1 (ir_version, varint): tag byte 0x08.
  return !header.empty() && header[0] == 0x08;
}

}  // namespace imcc::frontends
