// ONNX's own backend test cases (Debian's libonnx-testdata: model, inputs,
// expected outputs) as an external oracle for the reference interpreter.
// Every case that imports is run on every test_data_set and compared within
// ONNX's default tolerance (rtol 1e-3, atol 1e-7, widened to 1e-5 absolute
// for the float noise of transcendental functions). Counts are guarded.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "frontends/onnx/onnx_importer.h"
#include "frontends/onnx/tensor_io.h"
#include "gtest/gtest.h"
#include "ir/interpreter.h"

namespace imcc::frontends {
namespace {

namespace fs = std::filesystem;

constexpr char kRoot[] = "/usr/share/libonnx-testdata/data";

// Measured 2026-11-22 (ONNX 1.12 test data); raise as support grows.
constexpr int kMinMatchingNode = 233;
constexpr int kMinMatchingPytorch = 87;

struct Tally {
  int matched = 0, skipped = 0;
  std::vector<std::string> mismatches;
};

std::string Compare(const ir::HostTensor& got, const ir::HostTensor& want) {
  if (got.type.shape != want.type.shape) {
    return absl::StrCat("shape ", ir::ShapeToString(got.type.shape), " vs ", ir::ShapeToString(want.type.shape));
  }
  for (size_t i = 0; i < want.data.size(); ++i) {
    const double g = got.data[i], w = want.data[i];
    if (std::isnan(w) && std::isnan(g)) continue;
    if (std::isinf(w) && g == w) continue;
    if (std::fabs(g - w) > 1e-5 + 1e-3 * std::fabs(w)) {
      return absl::StrCat("element ", i, ": got ", g, ", want ", w);
    }
  }
  return "";
}

Tally RunAll(const std::string& dir) {
  Tally t;
  std::vector<fs::path> cases;
  for (const auto& e : fs::directory_iterator(dir)) cases.push_back(e.path());
  std::sort(cases.begin(), cases.end());
  for (const fs::path& c : cases) {
    absl::StatusOr<ir::Module> m = ImportOnnxFile((c / "model.onnx").string());
    if (!m.ok()) {
      ++t.skipped;
      continue;
    }
    bool ok = true, ran = false;
    for (int set = 0; ok && fs::exists(c / absl::StrCat("test_data_set_", set)); ++set) {
      const fs::path d = c / absl::StrCat("test_data_set_", set);
      std::vector<ir::HostTensor> inputs;
      for (int i = 0; fs::exists(d / absl::StrCat("input_", i, ".pb")); ++i) {
        absl::StatusOr<ir::HostTensor> in = ReadTensorProtoFile((d / absl::StrCat("input_", i, ".pb")).string());
        if (!in.ok()) { ok = false; break; }
        inputs.push_back(*in);
      }
      if (!ok) break;
      absl::StatusOr<std::vector<ir::HostTensor>> out = ir::Interpret(*m, inputs);
      if (!out.ok()) {
        if (out.status().code() != absl::StatusCode::kUnimplemented) {
          t.mismatches.push_back(absl::StrCat(c.filename().string(), ": ", out.status().message()));
        }
        ok = false;
        break;
      }
      for (size_t k = 0; k < out->size(); ++k) {
        absl::StatusOr<ir::HostTensor> want = ReadTensorProtoFile((d / absl::StrCat("output_", k, ".pb")).string());
        if (!want.ok()) { ok = false; break; }
        const std::string diff = Compare((*out)[k], *want);
        if (!diff.empty()) {
          t.mismatches.push_back(absl::StrCat(c.filename().string(), " output ", k, ": ", diff));
          ok = false;
          break;
        }
      }
      ran = true;
    }
    if (ok && ran) ++t.matched;
  }
  return t;
}

void Report(const std::string& name, const Tally& t) {
  std::cout << name << ": " << t.matched << " cases match (" << t.skipped << " do not import)\n";
  for (const std::string& m : t.mismatches) std::cout << "  MISMATCH " << m << "\n";
}

TEST(OnnxOracleTest, NodeCasesMatchExpectedOutputs) {
  if (!fs::exists(kRoot)) GTEST_SKIP() << kRoot << " missing (install libonnx-testdata)";
  Tally t = RunAll(std::string(kRoot) + "/node");
  Report("node", t);
  EXPECT_TRUE(t.mismatches.empty());
  EXPECT_GE(t.matched, kMinMatchingNode);
}

TEST(OnnxOracleTest, PytorchCasesMatchExpectedOutputs) {
  if (!fs::exists(kRoot)) GTEST_SKIP() << kRoot << " missing (install libonnx-testdata)";
  Tally a = RunAll(std::string(kRoot) + "/pytorch-converted");
  Tally b = RunAll(std::string(kRoot) + "/pytorch-operator");
  Report("pytorch-converted", a);
  Report("pytorch-operator", b);
  EXPECT_TRUE(a.mismatches.empty());
  EXPECT_TRUE(b.mismatches.empty());
  EXPECT_GE(a.matched + b.matched, kMinMatchingPytorch);
}

}  // namespace
}  // namespace imcc::frontends
