// Imports every model of Debian's libonnx-testdata (ONNX's own backend test
// cases) whose ops are all supported, and guards the count against
// regressions. Models failing for another reason than an unsupported op or
// a dynamic shape computation are failures.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>

#include "absl/strings/match.h"
#include "frontends/onnx/onnx_importer.h"
#include "gtest/gtest.h"
#include "ir/verifier.h"

namespace imcc::frontends {
namespace {

namespace fs = std::filesystem;

constexpr char kRoot[] = "/usr/share/libonnx-testdata/data";

// Measured 2026-11-22 with ONNX 1.12 testdata; raise when support grows.
constexpr int kMinImportedNode = 237;
constexpr int kMinImportedPytorch = 87;

struct Tally {
  int imported = 0, unsupported = 0, total = 0;
  std::vector<std::string> failures;
};

Tally ImportAll(const std::string& dir) {
  Tally t;
  std::vector<fs::path> cases;
  for (const auto& e : fs::directory_iterator(dir)) cases.push_back(e.path());
  std::sort(cases.begin(), cases.end());
  for (const fs::path& c : cases) {
    const fs::path model = c / "model.onnx";
    if (!fs::exists(model)) continue;
    ++t.total;
    absl::StatusOr<ir::Module> m = ImportOnnxFile(model.string());
    if (m.ok()) {
      absl::Status v = ir::VerifyModule(*m);
      if (v.ok()) {
        ++t.imported;
      } else {
        t.failures.push_back(c.filename().string() + ": " + std::string(v.message()));
      }
    } else if (m.status().code() == absl::StatusCode::kUnimplemented) {
      ++t.unsupported;
      if (getenv("IMCC_VERBOSE")) std::cout << "  unsupported " << m.status().message() << "\n";
    } else {
      // The checker rejects some upstream cases (training ops, optional
      // types) and some use symbolic dims; those are input errors, not ours.
      const std::string msg(m.status().message());
      if (!absl::StrContains(msg, "ONNX checker") && !absl::StrContains(msg, "symbolic dimension") &&
          !absl::StrContains(msg, "unsupported ONNX element type") &&
          !absl::StrContains(msg, "not produced by any node")) {
        t.failures.push_back(c.filename().string() + ": " + msg);
      } else {
        ++t.unsupported;
      }
    }
  }
  return t;
}

void Report(const std::string& name, const Tally& t) {
  std::cout << name << ": imported " << t.imported << " of " << t.total << " (" << t.unsupported
            << " use unsupported ops, types or dynamic shapes)\n";
  for (const std::string& f : t.failures) std::cout << "  FAILED " << f << "\n";
}

TEST(OnnxTestdataTest, NodeCasesImportWithoutRegression) {
  if (!fs::exists(kRoot)) GTEST_SKIP() << kRoot << " missing (install libonnx-testdata)";
  Tally t = ImportAll(std::string(kRoot) + "/node");
  Report("node", t);
  EXPECT_TRUE(t.failures.empty());
  EXPECT_GE(t.imported, kMinImportedNode);
}

TEST(OnnxTestdataTest, PytorchCasesImportWithoutRegression) {
  if (!fs::exists(kRoot)) GTEST_SKIP() << kRoot << " missing (install libonnx-testdata)";
  Tally t = ImportAll(std::string(kRoot) + "/pytorch-converted");
  Tally ops = ImportAll(std::string(kRoot) + "/pytorch-operator");
  Report("pytorch-converted", t);
  Report("pytorch-operator", ops);
  EXPECT_TRUE(t.failures.empty());
  EXPECT_TRUE(ops.failures.empty());
  EXPECT_GE(t.imported + ops.imported, kMinImportedPytorch);
}

}  // namespace
}  // namespace imcc::frontends
