// The pass interface, pass results with preserved-analysis sets, typed pass
// options, and the analysis manager. Registration is in registry.h, running
// pipelines in pass_manager.h.
#ifndef IMCC_PASSES_MANAGER_PASS_H_
#define IMCC_PASSES_MANAGER_PASS_H_

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <typeindex>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ir/module.h"

namespace imcc::passes {

// The analyses a pass keeps valid. All() when nothing changed (LLVM's
// PreservedAnalyses::all()); otherwise nothing unless named (MLIR's rule).
class PreservedAnalyses {
 public:
  static PreservedAnalyses All() {
    PreservedAnalyses p;
    p.all_ = true;
    return p;
  }
  static PreservedAnalyses None() { return PreservedAnalyses(); }
  PreservedAnalyses& Preserve(absl::string_view analysis_name) {
    names_.insert(std::string(analysis_name));
    return *this;
  }
  bool all() const { return all_; }
  bool IsPreserved(absl::string_view name) const {
    return all_ || names_.count(std::string(name)) > 0;
  }
  const std::set<std::string>& names() const { return names_; }

 private:
  bool all_ = false;
  std::set<std::string> names_;
};

struct PassResult {
  bool changed = false;
  PreservedAnalyses preserved = PreservedAnalyses::All();

  static PassResult Unchanged() { return PassResult{}; }
  static PassResult Changed(PreservedAnalyses preserved = PreservedAnalyses::None()) {
    return PassResult{true, std::move(preserved)};
  }
};

class AnalysisManager;

// Caches analyses of one module by type until a pass fails to preserve them.
// An analysis is a class with `static constexpr absl::string_view kName`, a
// constructor `T(const ir::Module&, AnalysisManager&)` and optionally
// `bool IsInvalidated(const PreservedAnalyses&) const` (checking its own
// dependencies). Not thread-safe.
class AnalysisManager {
 public:
  explicit AnalysisManager(const ir::Module& module) : module_(&module) {}

  // Returns the cached analysis or computes it.
  template <typename T>
  const T& Get() {
    auto it = cache_.find(std::type_index(typeid(T)));
    if (it != cache_.end()) return *static_cast<const T*>(it->second.object.get());
    ++computations_[std::string(T::kName)];
    auto object = std::make_shared<T>(*module_, *this);
    Entry e;
    e.object = object;
    e.name = std::string(T::kName);
    e.is_invalidated = [object](const PreservedAnalyses& p) {
      return InvalidatedBy(*object, p);
    };
    const T& ref = *object;
    cache_.emplace(std::type_index(typeid(T)), std::move(e));
    return ref;
  }
  // Returns the cached analysis or null.
  template <typename T>
  const T* GetCached() const {
    auto it = cache_.find(std::type_index(typeid(T)));
    return it == cache_.end() ? nullptr : static_cast<const T*>(it->second.object.get());
  }
  // Drops every analysis that `preserved` does not keep.
  void Invalidate(const PreservedAnalyses& preserved);
  // Points the manager at another module object (after a pass replaced it).
  void Reset(const ir::Module& module) {
    module_ = &module;
    cache_.clear();
  }
  // How often each analysis (by kName) was computed; for tests and
  // --time-passes.
  const std::map<std::string, int>& computations() const { return computations_; }

 private:
  struct Entry {
    std::shared_ptr<const void> object;
    std::string name;
    std::function<bool(const PreservedAnalyses&)> is_invalidated;
  };
  template <typename T>
  static auto InvalidatedBy(const T& a, const PreservedAnalyses& p, int)
      -> decltype(a.IsInvalidated(p)) {
    return a.IsInvalidated(p);
  }
  template <typename T>
  static bool InvalidatedBy(const T&, const PreservedAnalyses& p, long) {
    return !p.IsPreserved(T::kName);
  }
  template <typename T>
  static bool InvalidatedBy(const T& a, const PreservedAnalyses& p) {
    return InvalidatedBy(a, p, 0);
  }

  const ir::Module* module_;
  absl::flat_hash_map<std::type_index, Entry> cache_;
  std::map<std::string, int> computations_;
};

// Option declaration: typed, with default and doc (shown by --list-passes).
struct OptionSpec {
  enum class Type { kInt, kFloat, kBool, kString, kEnum };
  std::string name;  // kebab-case pipeline key
  Type type = Type::kString;
  std::string default_value;
  std::string doc;
  std::vector<std::string> choices;  // kEnum
};

absl::string_view OptionTypeName(OptionSpec::Type type);

// Parsed, validated option values of one pass instance.
class PassOptions {
 public:
  // Validates `given` (key=value in user order) against `schema`: unknown
  // keys and values of the wrong type are InvalidArgument naming the pass
  // and key.
  static absl::StatusOr<PassOptions> Parse(absl::string_view pass_name,
                                           const std::vector<OptionSpec>& schema,
                                           const std::vector<std::pair<std::string, std::string>>& given);
  // Same, with errors naming `owner` verbatim ("backend 'crossbar'").
  static absl::StatusOr<PassOptions> ParseFor(absl::string_view owner,
                                              const std::vector<OptionSpec>& schema,
                                              const std::vector<std::pair<std::string, std::string>>& given);

  int64_t GetInt(absl::string_view key) const;
  double GetFloat(absl::string_view key) const;
  bool GetBool(absl::string_view key) const;
  const std::string& GetString(absl::string_view key) const;
  // The explicitly given key=value pairs, in order (these cross the ABI).
  const std::vector<std::pair<std::string, std::string>>& given() const { return given_; }

 private:
  std::map<std::string, std::string, std::less<>> values_;  // with defaults
  std::vector<std::pair<std::string, std::string>> given_;
};

struct PassContext {
  bool verify_each = false;
};

// A pass: no global mutable state, no state carried between Run calls.
class Pass {
 public:
  virtual ~Pass() = default;
  virtual absl::string_view name() const = 0;
  // One-time setup; called once before the first Run.
  virtual absl::Status Initialize(const PassContext& context) { return absl::OkStatus(); }
  // Transforms `module`. A non-OK status stops the pipeline.
  virtual absl::StatusOr<PassResult> Run(ir::Module& module, AnalysisManager& analyses) = 0;
};

}  // namespace imcc::passes

#endif  // IMCC_PASSES_MANAGER_PASS_H_
