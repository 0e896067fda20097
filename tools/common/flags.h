// A small, strict command-line parser for imcc's tools: declared flags only,
// `--name=value` or `--name value`, booleans as `--name`/`--name=false`,
// repeatable flags, positional arguments, and a --help text generated from
// the declarations so that it always tells the truth.
#ifndef IMCC_TOOLS_COMMON_FLAGS_H_
#define IMCC_TOOLS_COMMON_FLAGS_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace imcc::tools {

class FlagSet {
 public:
  enum class Kind { kString, kBool, kInt, kRepeated };

  explicit FlagSet(std::string program, std::string usage)
      : program_(std::move(program)), usage_(std::move(usage)) {}

  void String(const std::string& name, std::string def, std::string help);
  void Bool(const std::string& name, bool def, std::string help);
  void Int(const std::string& name, int64_t def, std::string help);
  void Repeated(const std::string& name, std::string help);

  // Parses argv[1..]. InvalidArgument for an unknown flag, a missing value
  // or a malformed number/boolean, naming the flag.
  absl::Status Parse(int argc, char** argv);

  const std::string& GetString(const std::string& name) const;
  bool GetBool(const std::string& name) const;
  int64_t GetInt(const std::string& name) const;
  const std::vector<std::string>& GetRepeated(const std::string& name) const;
  bool IsSet(const std::string& name) const;
  const std::vector<std::string>& positional() const { return positional_; }
  const std::string& program() const { return program_; }

  // Returns the --help text: usage, then every flag with its default.
  std::string Help() const;

 private:
  struct Flag {
    Kind kind;
    std::string value;
    std::vector<std::string> values;
    std::string def;
    std::string help;
    bool set = false;
  };
  std::string program_;
  std::string usage_;
  std::map<std::string, Flag> flags_;
  std::vector<std::string> order_;
  std::vector<std::string> positional_;
};

}  // namespace imcc::tools

#endif  // IMCC_TOOLS_COMMON_FLAGS_H_
