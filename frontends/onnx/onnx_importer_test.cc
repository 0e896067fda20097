#include "frontends/onnx/onnx_importer.h"

#include <cstdlib>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ir/printer.h"
#include "ir/support/status_matchers.h"
#include "ir/verifier.h"

namespace imcc::frontends {
namespace {

using ::imcc::testing::IsOk;
using ::imcc::testing::StatusIs;
using ::testing::HasSubstr;

std::string Data(const std::string& rel) {
  return std::string(std::getenv("TEST_SRCDIR")) + "/imcc/testdata/" + rel;
}

int Count(const ir::Module& m, ir::Op op) {
  int n = 0;
  for (const ir::Node& node : m.graph().nodes()) n += node.op == op;
  return n;
}

TEST(OnnxImporterTest, ImportsResnet18ShapeOnly) {
  IMCC_ASSERT_OK_AND_ASSIGN(ir::Module m, ImportOnnxFile(Data("models/resnet18.onnx")));
  EXPECT_THAT(ir::VerifyModule(m), IsOk());
  EXPECT_EQ(Count(m, ir::Op::kConv), 20);
  EXPECT_EQ(Count(m, ir::Op::kGemm), 1);
  const ir::Graph& g = m.graph();
  ASSERT_EQ(g.inputs().size(), 1u);
  EXPECT_EQ(g.value(g.inputs()[0]).type.shape, (ir::Shape{1, 3, 224, 224}));
  EXPECT_EQ(g.value(g.outputs()[0]).type.shape, (ir::Shape{1, 1000}));
  for (const ir::Value& v : g.values()) {
    if (v.kind == ir::ValueKind::kWeight) EXPECT_EQ(v.data, nullptr) << v.name;
  }
  EXPECT_EQ(m.metadata().at("source"), "resnet18.onnx");
}

TEST(OnnxImporterTest, GroupedConvolutionsKeepTheirGroup) {
  IMCC_ASSERT_OK_AND_ASSIGN(ir::Module m, ImportOnnxFile(Data("models/mobilenet_v2.onnx")));
  int depthwise = 0;
  for (const ir::Node& n : m.graph().nodes()) {
    if (n.op == ir::Op::kConv && n.GetInt("group") > 1) ++depthwise;
  }
  EXPECT_EQ(depthwise, 17);
  EXPECT_EQ(Count(m, ir::Op::kClip), 35);  // ReLU6 with constant bounds folded to attributes
}

TEST(OnnxImporterTest, FoldsShapeComputationsOfTransformers) {
  // PyTorch exports Shape/Gather/Unsqueeze/Concat chains feeding Reshape.
  IMCC_ASSERT_OK_AND_ASSIGN(ir::Module m, ImportOnnxFile(Data("models/bert_block.onnx")));
  EXPECT_THAT(ir::VerifyModule(m), IsOk());
  EXPECT_EQ(Count(m, ir::Op::kSoftmax), 1);
  EXPECT_GE(Count(m, ir::Op::kMatMul), 4);
  for (const ir::Node& n : m.graph().nodes()) {
    EXPECT_NE(n.op, ir::Op::kGather) << "shape gathers must fold away: " << n.name;
  }
  IMCC_ASSERT_OK_AND_ASSIGN(ir::Module vit, ImportOnnxFile(Data("models/vit_b_16.onnx")));
  EXPECT_EQ(Count(vit, ir::Op::kSoftmax), 12);
}

TEST(OnnxImporterTest, EveryExportedModelImportsAndVerifies) {
  for (const char* name : {"alexnet", "googlenet", "mobilenet_v2", "resnet18", "resnet50",
                           "squeezenet1_0", "vgg16", "vit_b_16", "bert_block"}) {
    absl::StatusOr<ir::Module> m = ImportOnnxFile(Data(absl::StrCat("models/", name, ".onnx")));
    ASSERT_THAT(m, IsOk()) << name;
    EXPECT_THAT(ir::VerifyModule(*m), IsOk()) << name;
  }
}

TEST(OnnxImporterTest, TinyModelKeepsItsWeights) {
  IMCC_ASSERT_OK_AND_ASSIGN(ir::Module m, ImportOnnxFile(Data("models/tiny/tiny_cnn.onnx")));
  int with_data = 0;
  for (const ir::Value& v : m.graph().values()) with_data += v.data != nullptr;
  EXPECT_GT(with_data, 0);
  OnnxImportOptions o;
  o.shape_only = true;
  IMCC_ASSERT_OK_AND_ASSIGN(ir::Module s, ImportOnnxFile(Data("models/tiny/tiny_cnn.onnx"), o));
  for (const ir::Value& v : s.graph().values()) EXPECT_EQ(v.data, nullptr) << v.name;
}

TEST(OnnxImporterTest, ImportIsDeterministic) {
  IMCC_ASSERT_OK_AND_ASSIGN(ir::Module a, ImportOnnxFile(Data("models/googlenet.onnx")));
  IMCC_ASSERT_OK_AND_ASSIGN(ir::Module b, ImportOnnxFile(Data("models/googlenet.onnx")));
  EXPECT_EQ(ir::PrintModule(a), ir::PrintModule(b));
}

TEST(OnnxImporterTest, MissingFileIsNotFound) {
  EXPECT_THAT(ImportOnnxFile("/nonexistent/m.onnx"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("/nonexistent/m.onnx: no such file")));
}

TEST(OnnxImporterTest, EmptyFile) {
  EXPECT_THAT(ImportOnnxFile(Data("onnx_bad/empty.onnx")),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("empty.onnx: empty file")));
}

TEST(OnnxImporterTest, TruncatedModel) {
  EXPECT_THAT(ImportOnnxFile(Data("onnx_bad/truncated.onnx")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("truncated.onnx: not an ONNX model")));
}

TEST(OnnxImporterTest, TextFileNamedOnnx) {
  EXPECT_THAT(ImportOnnxFile(Data("onnx_bad/text_file.onnx")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("text_file.onnx: not an ONNX model")));
}

TEST(OnnxImporterTest, UnsupportedOpNamesOpNodeAndFile) {
  EXPECT_THAT(ImportOnnxFile(Data("onnx_bad/unsupported_op.onnx")),
              StatusIs(absl::StatusCode::kUnimplemented,
                       HasSubstr("unsupported_op.onnx: node 'nz0' (NonZero): has unsupported op "
                                 "type 'NonZero'")));
}

TEST(OnnxImporterTest, CycleIsRejectedByTheChecker) {
  EXPECT_THAT(ImportOnnxFile(Data("onnx_bad/cycle.onnx")),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("cycle.onnx: ONNX checker: ")));
}

TEST(OnnxImporterTest, DanglingInputIsRejected) {
  EXPECT_THAT(ImportOnnxFile(Data("onnx_bad/dangling_input.onnx")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("dangling_input.onnx: ONNX checker: ")));
}

TEST(OnnxImporterTest, SymbolicDimensionIsRejected) {
  EXPECT_THAT(ImportOnnxFile(Data("onnx_bad/symbolic_dim.onnx")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("input 'x' has symbolic dimension 'batch'")));
}

}  // namespace
}  // namespace imcc::frontends
