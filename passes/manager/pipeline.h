// Textual pipelines in MLIR's form, with LLVM's require<> and imcc's
// extension points:
//   pipeline := element (',' element)*
//   element  := pass-name ['{' key=value ... '}'] | anchor '(' pipeline ')'
//             | 'require<' analysis-name '>' | '@' extension-point
// PrintPipeline(ParsePipeline(s)) == s for every canonical s (no spaces
// except between options).
#ifndef IMCC_PASSES_MANAGER_PIPELINE_H_
#define IMCC_PASSES_MANAGER_PIPELINE_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace imcc::passes {

struct PipelineElement {
  enum class Kind { kPass, kAnchor, kRequire, kExtensionPoint };
  Kind kind = Kind::kPass;
  std::string name;
  std::vector<std::pair<std::string, std::string>> options;  // kPass, in order
  std::vector<PipelineElement> children;                     // kAnchor
};

// Returns the elements of `text`, or InvalidArgument "pipeline '<text>' at
// column C: <what>". An empty pipeline is valid.
absl::StatusOr<std::vector<PipelineElement>> ParsePipeline(absl::string_view text);

// Returns the canonical text of `elements`.
std::string PrintPipeline(const std::vector<PipelineElement>& elements);
std::string PrintElement(const PipelineElement& element);

}  // namespace imcc::passes

#endif  // IMCC_PASSES_MANAGER_PIPELINE_H_
