// ONNX's own Conv / Gemm / MatMul test cases (Debian's libonnx-testdata)
// through the crossbar path: the weight operands become crossbar weights,
// the model is quantised to 16 bits (ISAAC's precision, lossless ADC),
// executed on the bit-level crossbar model, and compared bit for bit with
// the quantised reference and within 2% of the output range with ONNX's
// expected outputs. The count is guarded against regressions.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "backends/crossbar/functional.h"
#include "backends/crossbar/layer_matrix.h"
#include "frontends/onnx/onnx_importer.h"
#include "frontends/onnx/tensor_io.h"
#include "gtest/gtest.h"
#include "hwmodels/hardware.h"
#include "ir/parser.h"
#include "ir/printer.h"

namespace imcc::crossbar {
namespace {

namespace fs = std::filesystem;

constexpr char kRoot[] = "/usr/share/libonnx-testdata/data/node";
// Measured 2026-11-22; raise as support grows.
constexpr int kMinPassing = 18;

// Rewrites graph inputs 1.. as weights holding `values`.
absl::StatusOr<ir::Module> BindWeights(const ir::Module& m, const std::vector<ir::HostTensor>& values) {
  std::string text = ir::PrintModule(m);
  const ir::Graph& g = m.graph();
  for (size_t i = 1; i < g.inputs().size() && i < values.size(); ++i) {
    const ir::Value& v = g.value(g.inputs()[i]);
    const std::string decl = absl::StrCat("%", ir::QuoteName(v.name), " : ", ir::TypeToString(v.type));
    text = absl::StrReplaceAll(text, {{absl::StrCat("  input ", decl, "\n"),
                                       absl::StrCat("  weight ", decl, " = dense<\"",
                                                    absl::BytesToHexString(ir::EncodeTensor(values[i])), "\">\n")}});
  }
  return ir::ParseModule(text);
}

TEST(OnnxCrossbarTest, ConvGemmMatMulCasesRunOnCrossbars) {
  if (!fs::exists(kRoot)) GTEST_SKIP() << kRoot << " missing (install libonnx-testdata)";
  hw::Array array = hw::LoadTarget("isaac")->chip().core().array();
  array.set_adc_bits(LosslessAdcBits(array));
  int passing = 0, applicable = 0;
  std::vector<std::string> failures;
  std::vector<fs::path> cases;
  for (const auto& e : fs::directory_iterator(kRoot)) {
    const std::string n = e.path().filename().string();
    if (absl::StrContains(n, "conv") || absl::StrContains(n, "gemm") || absl::StrContains(n, "matmul")) {
      cases.push_back(e.path());
    }
  }
  std::sort(cases.begin(), cases.end());
  for (const fs::path& c : cases) {
    absl::StatusOr<ir::Module> m = frontends::ImportOnnxFile((c / "model.onnx").string());
    if (!m.ok()) continue;
    const fs::path d = c / "test_data_set_0";
    std::vector<ir::HostTensor> in;
    for (int i = 0; fs::exists(d / absl::StrCat("input_", i, ".pb")); ++i) {
      absl::StatusOr<ir::HostTensor> t = frontends::ReadTensorProtoFile((d / absl::StrCat("input_", i, ".pb")).string());
      if (t.ok()) in.push_back(*t);
    }
    absl::StatusOr<ir::HostTensor> want = frontends::ReadTensorProtoFile((d / "output_0.pb").string());
    if (in.size() < 2 || !want.ok()) continue;
    absl::StatusOr<ir::Module> bound = BindWeights(*m, in);
    if (!bound.ok() || ExtractMvmLayers(*bound).empty() || in[0].type.dtype != ir::DType::kF32) continue;
    ++applicable;
    const std::vector<ir::HostTensor> x = {in[0]};
    absl::StatusOr<ir::Module> q = QuantizeForCrossbar(*bound, x, array);
    if (!q.ok()) {
      failures.push_back(absl::StrCat(c.filename().string(), ": ", q.status().message()));
      continue;
    }
    absl::StatusOr<std::vector<ir::HostTensor>> ref = ir::Interpret(*q, x);
    absl::StatusOr<FunctionalResult> xb = RunOnCrossbars(*q, array, x);
    if (!ref.ok() || !xb.ok()) {
      failures.push_back(absl::StrCat(c.filename().string(), ": ", (!ref.ok() ? ref.status() : xb.status()).message()));
      continue;
    }
    double range = 0;
    for (double v : want->data) range = std::max(range, std::fabs(v));
    const double exact = MaxAbsDiff(xb->outputs, *ref);
    const double err = MaxAbsDiff(xb->outputs, {*want});
    if (exact == 0 && err <= 0.02 * range + 1e-6) {
      ++passing;
    } else {
      failures.push_back(absl::StrCat(c.filename().string(), ": vs quantised ", exact, ", vs expected ", err,
                                      " (range ", range, ")"));
    }
  }
  std::cout << passing << " of " << applicable << " Conv/Gemm/MatMul cases pass on crossbars\n";
  for (const std::string& f : failures) std::cout << "  FAILED " << f << "\n";
  EXPECT_TRUE(failures.empty());
  EXPECT_GE(passing, kMinPassing);
}

}  // namespace
}  // namespace imcc::crossbar
