#include "tools/common/driver.h"

#include <sys/stat.h>

#include <cstdlib>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "ir/attribute.h"
#include "ir/op.h"
#include "ir/support/status_macros.h"

namespace imcc::tools {

std::string ResolveUserPath(const std::string& path) {
  if (path.empty() || path[0] == '/') return path;
  const char* wd = std::getenv("BUILD_WORKING_DIRECTORY");
  if (wd == nullptr || *wd == '\0') return path;
  return absl::StrCat(wd, "/", path);
}

void AddPassManagerFlags(FlagSet& f) {
  f.Repeated("plugin", "load this plugin .so in addition to the in-tree ones");
  f.Bool("verify-each", true, "run the IR verifier after every pass");
  f.Repeated("print-ir-before", "print the IR before this pass ('all' for every pass)");
  f.Repeated("print-ir-after", "print the IR after this pass ('all' for every pass)");
  f.Bool("print-ir-after-change", false, "print the IR after every pass that changed it");
  f.Bool("print-ir-after-failure", false, "print the IR after a pass fails");
  f.Bool("time-passes", false, "print a wall-time report of the pipeline's passes");
  f.String("reproducer", "",
           "on failure, write the failing pass's input IR and pipeline here "
           "(replay with imcc-opt --run-reproducer=FILE)");
}

passes::PassManagerOptions PassManagerOptionsFromFlags(const FlagSet& f) {
  passes::PassManagerOptions o;
  o.verify_each = f.GetBool("verify-each");
  o.print_ir_before = f.GetRepeated("print-ir-before");
  o.print_ir_after = f.GetRepeated("print-ir-after");
  o.print_ir_after_change = f.GetBool("print-ir-after-change");
  o.print_ir_after_failure = f.GetBool("print-ir-after-failure");
  o.time_passes = f.GetBool("time-passes");
  o.reproducer_path = ResolveUserPath(f.GetString("reproducer"));
  for (const std::string& p : f.GetRepeated("plugin")) {
    o.reproducer_flags.push_back(absl::StrCat("--plugin=", ResolveUserPath(p)));
  }
  o.out = &std::cout;
  return o;
}

absl::StatusOr<std::unique_ptr<Toolchain>> LoadToolchain(const std::string& argv0,
                                                         const FlagSet& flags) {
  auto tc = std::make_unique<Toolchain>();
  tc->loader = std::make_unique<plugin::PluginLoader>();
  IMCC_RETURN_IF_ERROR(tc->loader->LoadAll(plugin::DefaultPluginSearchPath(argv0)));
  for (const std::string& p : flags.GetRepeated("plugin")) {
    IMCC_RETURN_IF_ERROR(tc->loader->Load(ResolveUserPath(p)).status());
  }
  IMCC_RETURN_IF_ERROR(tc->loader->RegisterPasses(tc->registry));
  return tc;
}

void AddInfoFlags(FlagSet& f) {
  f.Bool("list-passes", false, "list every registered pass and pipeline, then exit");
  f.Bool("list-plugins", false, "list the loaded plugins, then exit");
  f.Bool("list-ops", false, "list the IR's ops and attributes, then exit");
  f.Bool("help", false, "print this help, then exit");
}

std::optional<int> StartTool(const FlagSet& flags, const std::string& argv0,
                             std::unique_ptr<Toolchain>* toolchain) {
  if (flags.GetBool("help")) {
    std::cout << flags.Help();
    return 0;
  }
  if (flags.GetBool("list-ops")) {
    std::cout << ListOps();
    return 0;
  }
  absl::StatusOr<std::unique_ptr<Toolchain>> tc = LoadToolchain(argv0, flags);
  if (!tc.ok()) return ReportError(flags.program(), tc.status());
  if (flags.GetBool("list-plugins")) {
    std::cout << ListPlugins(*(*tc)->loader);
    return 0;
  }
  if (flags.GetBool("list-passes")) {
    std::cout << (*tc)->registry.Describe();
    return 0;
  }
  *toolchain = std::move(*tc);
  return std::nullopt;
}

std::string ListOps() {
  std::string out;
  for (int i = 0; i < ir::kNumOps; ++i) {
    const ir::OpInfo& info = ir::GetOpInfo(static_cast<ir::Op>(i));
    const std::string arity =
        info.min_inputs == info.max_inputs
            ? absl::StrCat(info.min_inputs)
            : absl::StrCat(info.min_inputs, "..", info.max_inputs < 0 ? "n" : absl::StrCat(info.max_inputs));
    absl::StrAppendFormat(&out, "%-20s inputs %-5s %s\n", info.name, arity, info.summary);
    for (const ir::AttrSpec& a : ir::GetAttrSpecs(info.op)) {
      absl::StrAppendFormat(&out, "    %s: %s = %s  %s\n", a.name, ir::AttrTypeName(a.type),
                            a.required() ? "<required>" : ir::AttributeToString(a.default_value),
                            a.doc);
    }
  }
  return out;
}

std::string ListPlugins(const plugin::PluginLoader& loader) {
  std::string out;
  for (const auto& p : loader.plugins()) {
    absl::StrAppendFormat(&out, "%-12s %-8s ABI %d.%d  %-22s %s\n", p->name(), p->version(),
                          p->api().abi_version.major, p->api().abi_version.minor,
                          plugin::KindsToString(p->kinds()), p->path());
  }
  return out;
}

int ReportError(const std::string& program, const absl::Status& status) {
  std::string msg(status.message());
  for (char& c : msg) {
    if (c == '\n') c = ' ';
  }
  std::cerr << program << ": error: " << msg << "\n";
  return 1;
}

std::string FindRunfile(const std::string& argv0, const std::string& rel) {
  std::vector<std::string> roots;
  if (const char* r = std::getenv("RUNFILES_DIR")) roots.push_back(r);
  if (const char* t = std::getenv("TEST_SRCDIR")) roots.push_back(t);
  roots.push_back(argv0 + ".runfiles");
  for (const std::string& root : roots) {
    const std::string p = absl::StrCat(root, "/imcc/", rel);
    struct stat st;
    if (stat(p.c_str(), &st) == 0) return p;
  }
  return "";
}

}  // namespace imcc::tools
