#include "hwmodels/hardware.h"

#include <sys/stat.h>

#include <cmath>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "ir/support/status_macros.h"

namespace imcc::hw {
namespace {

namespace pb = google::protobuf;

constexpr unsigned char kDescriptorSet[] = {
#include "hwmodels/proto/hardware_descriptor_set.inc"
};

struct Preset {
  const char* name;
  const char* text;
};

constexpr Preset kPresets[] = {
#include "hwmodels/presets.inc"
};

// The schema in a pool of its own (never the generated pool, which the lite
// classes do not use and other copies of this file may share).
struct Schema {
  pb::DescriptorPool pool;
  const pb::Descriptor* root = nullptr;
  mutable pb::DynamicMessageFactory factory{&pool};  // GetPrototype is thread-safe
  std::map<std::string, std::string> comments;  // "Chip.clock_mhz" -> comment
};

const Schema& GetSchema() {
  static const Schema* schema = [] {
    auto* s = new Schema();
    pb::FileDescriptorSet set;
    set.ParseFromArray(kDescriptorSet, sizeof(kDescriptorSet));
    for (const pb::FileDescriptorProto& f : set.file()) {
      s->pool.BuildFile(f);
      // Field comments from source info: path [4, msg, 2, field].
      for (const auto& loc : f.source_code_info().location()) {
        if (loc.path_size() != 4 || loc.path(0) != 4 || loc.path(2) != 2) continue;
        const auto& msg = f.message_type(loc.path(1));
        const auto& field = msg.field(loc.path(3));
        std::string c = loc.trailing_comments().empty() ? loc.leading_comments()
                                                        : loc.trailing_comments();
        s->comments[absl::StrCat(msg.name(), ".", field.name())] =
            std::string(absl::StripAsciiWhitespace(c));
      }
    }
    s->root = s->pool.FindMessageTypeByName("imcc.hw.HardwareDescription");
    return s;
  }();
  return *schema;
}

class Collector : public pb::io::ErrorCollector {
 public:
  void AddError(int line, pb::io::ColumnNumber column, const std::string& message) override {
    if (first.empty()) first = absl::StrCat(line + 1, ":", column + 1, ": ", message);
  }
  void AddWarning(int, pb::io::ColumnNumber, const std::string&) override {}
  std::string first;
};

std::string FormatValue(const pb::Message& m, const pb::FieldDescriptor* f, int index) {
  const pb::Reflection* r = m.GetReflection();
  const bool rep = f->is_repeated();
  switch (f->cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_UINT32:
      return absl::StrCat(rep ? r->GetRepeatedUInt32(m, f, index) : r->GetUInt32(m, f));
    case pb::FieldDescriptor::CPPTYPE_UINT64:
      return absl::StrCat(rep ? r->GetRepeatedUInt64(m, f, index) : r->GetUInt64(m, f));
    case pb::FieldDescriptor::CPPTYPE_INT32:
      return absl::StrCat(rep ? r->GetRepeatedInt32(m, f, index) : r->GetInt32(m, f));
    case pb::FieldDescriptor::CPPTYPE_INT64:
      return absl::StrCat(rep ? r->GetRepeatedInt64(m, f, index) : r->GetInt64(m, f));
    case pb::FieldDescriptor::CPPTYPE_DOUBLE:
      return absl::StrFormat("%g", rep ? r->GetRepeatedDouble(m, f, index) : r->GetDouble(m, f));
    case pb::FieldDescriptor::CPPTYPE_FLOAT:
      return absl::StrFormat("%g", rep ? r->GetRepeatedFloat(m, f, index) : r->GetFloat(m, f));
    case pb::FieldDescriptor::CPPTYPE_BOOL:
      return (rep ? r->GetRepeatedBool(m, f, index) : r->GetBool(m, f)) ? "true" : "false";
    case pb::FieldDescriptor::CPPTYPE_ENUM:
      return (rep ? r->GetRepeatedEnum(m, f, index) : r->GetEnum(m, f))->name();
    case pb::FieldDescriptor::CPPTYPE_STRING:
      return absl::StrCat("\"", rep ? r->GetRepeatedString(m, f, index) : r->GetString(m, f), "\"");
    default:
      return "";
  }
}

void Describe(const pb::Message& m, int depth, std::string& out) {
  const Schema& s = GetSchema();
  const pb::Descriptor* d = m.GetDescriptor();
  const pb::Reflection* r = m.GetReflection();
  const std::string indent(2 * depth, ' ');
  for (int i = 0; i < d->field_count(); ++i) {
    const pb::FieldDescriptor* f = d->field(i);
    auto c = s.comments.find(absl::StrCat(d->name(), ".", f->name()));
    const std::string doc = c == s.comments.end() ? "" : c->second;
    if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE) {
      if (f->is_repeated() || !r->HasField(m, f)) {
        absl::StrAppend(&out, indent, f->name(), " { }  # absent", doc.empty() ? "" : "; ", doc, "\n");
        continue;
      }
      absl::StrAppend(&out, indent, f->name(), " {", doc.empty() ? "" : absl::StrCat("  # ", doc), "\n");
      Describe(r->GetMessage(m, f), depth + 1, out);
      absl::StrAppend(&out, indent, "}\n");
      continue;
    }
    std::string value;
    if (f->is_repeated()) {
      std::vector<std::string> vs;
      for (int k = 0; k < r->FieldSize(m, f); ++k) vs.push_back(FormatValue(m, f, k));
      value = absl::StrCat("[", absl::StrJoin(vs, ", "), "]");
    } else {
      value = FormatValue(m, f, 0);
    }
    std::string line = absl::StrCat(indent, f->name(), ": ", value);
    if (!doc.empty()) {
      std::string d1 = doc;
      for (char& ch : d1) {
        if (ch == '\n') ch = ' ';
      }
      absl::StrAppend(&line, std::string(line.size() < 48 ? 48 - line.size() : 1, ' '), "# ", d1);
    }
    absl::StrAppend(&out, line, "\n");
  }
}

// Generic check over every numeric field: finite and non-negative.
absl::Status CheckNumbers(const pb::Message& m, const std::string& prefix) {
  const pb::Descriptor* d = m.GetDescriptor();
  const pb::Reflection* r = m.GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const pb::FieldDescriptor* f = d->field(i);
    const std::string path = prefix.empty() ? f->name() : absl::StrCat(prefix, ".", f->name());
    if (f->is_repeated()) continue;
    if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE) {
      if (r->HasField(m, f)) IMCC_RETURN_IF_ERROR(CheckNumbers(r->GetMessage(m, f), path));
    } else if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_DOUBLE) {
      const double v = r->GetDouble(m, f);
      if (!std::isfinite(v) || v < 0) {
        return absl::InvalidArgumentError(
            absl::StrCat(path, ": must be a finite number >= 0, got ", absl::StrFormat("%g", v)));
      }
    }
  }
  return absl::OkStatus();
}

template <typename T>
absl::Status Positive(const std::string& path, T v) {
  if (!(v > 0)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": must be > 0, got ", absl::StrFormat("%g", static_cast<double>(v))));
  }
  return absl::OkStatus();
}

absl::Status Range(const std::string& path, uint32_t v, uint32_t lo, uint32_t hi) {
  if (v < lo || v > hi) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": must be in [", lo, ", ", hi, "], got ", v));
  }
  return absl::OkStatus();
}

absl::Status ValidateArray(const Array& a, bool dual_mode_family, std::vector<std::string>& warnings) {
  const std::string p = "chip.core.array";
  IMCC_RETURN_IF_ERROR(Positive(p + ".rows", a.rows()));
  IMCC_RETURN_IF_ERROR(Positive(p + ".cols", a.cols()));
  IMCC_RETURN_IF_ERROR(Range(p + ".cell_bits", a.cell_bits(), 1, 16));
  IMCC_RETURN_IF_ERROR(Range(p + ".weight_bits", a.weight_bits(), 1, 32));
  IMCC_RETURN_IF_ERROR(Range(p + ".input_bits", a.input_bits(), 1, 32));
  IMCC_RETURN_IF_ERROR(Range(p + ".dac_bits", a.dac_bits(), 1, a.input_bits()));
  IMCC_RETURN_IF_ERROR(Range(p + ".adc_bits", a.adc_bits(), 1, 32));
  IMCC_RETURN_IF_ERROR(Positive(p + ".adcs_per_array", a.adcs_per_array()));
  IMCC_RETURN_IF_ERROR(Positive(p + ".read_latency_ns", a.read_latency_ns()));
  IMCC_RETURN_IF_ERROR(Positive(p + ".adc_sample_rate_gsps", a.adc_sample_rate_gsps()));
  if (a.max_active_rows() > a.rows()) {
    return absl::InvalidArgumentError(absl::StrCat(p, ".max_active_rows: must be <= rows (", a.rows(),
                                                   "), got ", a.max_active_rows()));
  }
  if (a.cell_bits() > a.weight_bits()) {
    return absl::InvalidArgumentError(absl::StrCat(p, ".cell_bits: must be <= weight_bits (",
                                                   a.weight_bits(), "), got ", a.cell_bits()));
  }
  const int need = LosslessAdcBits(a);
  if (static_cast<int>(a.adc_bits()) < need) {
    const std::string msg = absl::StrCat(p, ".adc_bits: ", a.adc_bits(), " bits cannot convert ",
                                         a.max_active_rows() ? a.max_active_rows() : a.rows(),
                                         " active rows of ", a.cell_bits(), "-bit cells with ",
                                         a.dac_bits(), "-bit inputs without loss (needs ", need, ")");
    if (a.expect_lossless_adc()) return absl::InvalidArgumentError(msg);
    warnings.push_back(msg);
  }
  if (dual_mode_family) {
    const std::string d = p + ".dual_mode";
    if (!a.has_dual_mode() || !a.dual_mode().switchable()) {
      return absl::InvalidArgumentError(absl::StrCat(d, ".switchable: a dual-mode target needs switchable arrays"));
    }
    IMCC_RETURN_IF_ERROR(Positive(d + ".memory_capacity_bytes", a.dual_mode().memory_capacity_bytes()));
    IMCC_RETURN_IF_ERROR(Positive(d + ".memory_bandwidth_gbps", a.dual_mode().memory_bandwidth_gbps()));
  }
  return absl::OkStatus();
}

absl::Status ValidateChip(const HardwareDescription& hw, std::vector<std::string>& warnings) {
  const Chip& c = hw.chip();
  if (!hw.has_chip()) return absl::InvalidArgumentError("chip: missing");
  IMCC_RETURN_IF_ERROR(Positive("chip.cores_x", c.cores_x()));
  IMCC_RETURN_IF_ERROR(Positive("chip.cores_y", c.cores_y()));
  IMCC_RETURN_IF_ERROR(Positive("chip.clock_mhz", c.clock_mhz()));
  IMCC_RETURN_IF_ERROR(Positive("chip.core.arrays", c.core().arrays()));
  if (c.core().arrays_per_group() > c.core().arrays()) {
    return absl::InvalidArgumentError(absl::StrCat("chip.core.arrays_per_group: must be <= arrays (",
                                                   c.core().arrays(), "), got ", c.core().arrays_per_group()));
  }
  IMCC_RETURN_IF_ERROR(Positive("chip.core.vector_unit.width", c.core().vector_unit().width()));
  IMCC_RETURN_IF_ERROR(Positive("chip.core.vector_unit.op_latency_cycles", c.core().vector_unit().op_latency_cycles()));
  if (c.cores_x() * c.cores_y() > 1) {
    IMCC_RETURN_IF_ERROR(Positive("chip.noc.link_bandwidth_gbps", c.noc().link_bandwidth_gbps()));
    if (c.noc().topology() == TOPOLOGY_UNSPECIFIED) {
      return absl::InvalidArgumentError("chip.noc.topology: must be set for a multi-core chip");
    }
  }
  IMCC_RETURN_IF_ERROR(Positive("chip.external_memory.bandwidth_gbps", c.external_memory().bandwidth_gbps()));
  if (c.global_buffer().size_bytes() > 0) {
    IMCC_RETURN_IF_ERROR(Positive("chip.global_buffer.bandwidth_gbps", c.global_buffer().bandwidth_gbps()));
  }
  if (c.core().local_buffer().size_bytes() > 0) {
    IMCC_RETURN_IF_ERROR(Positive("chip.core.local_buffer.bandwidth_gbps", c.core().local_buffer().bandwidth_gbps()));
  }
  return ValidateArray(c.core().array(), hw.family() == FAMILY_DUAL_MODE, warnings);
}

absl::Status ValidateSystem(const HardwareDescription& hw) {
  if (!hw.has_system()) return absl::InvalidArgumentError("system: missing (an NDP-DIMM target needs it)");
  const HeteroSystem& s = hw.system();
  IMCC_RETURN_IF_ERROR(Positive("system.gpu.memory_bytes", s.gpu().memory_bytes()));
  IMCC_RETURN_IF_ERROR(Positive("system.gpu.memory_bandwidth_gbps", s.gpu().memory_bandwidth_gbps()));
  IMCC_RETURN_IF_ERROR(Positive("system.gpu.fp16_tensor_tflops", s.gpu().fp16_tensor_tflops()));
  IMCC_RETURN_IF_ERROR(Positive("system.link.bandwidth_gbps_per_direction", s.link().bandwidth_gbps_per_direction()));
  const NdpDimms& d = s.dimms();
  IMCC_RETURN_IF_ERROR(Positive("system.dimms.count", d.count()));
  IMCC_RETURN_IF_ERROR(Positive("system.dimms.channels", d.channels()));
  IMCC_RETURN_IF_ERROR(Positive("system.dimms.capacity_bytes_per_dimm", d.capacity_bytes_per_dimm()));
  IMCC_RETURN_IF_ERROR(Positive("system.dimms.internal_bandwidth_gbps", d.internal_bandwidth_gbps()));
  IMCC_RETURN_IF_ERROR(Positive("system.dimms.ndp.fp16_gflops", d.ndp().fp16_gflops()));
  if (d.channels() * d.dimms_per_channel() != d.count()) {
    return absl::InvalidArgumentError(absl::StrCat("system.dimms.count: ", d.count(), " DIMMs but ",
                                                   d.channels(), " channels x ", d.dimms_per_channel(),
                                                   " DIMMs per channel"));
  }
  return absl::OkStatus();
}

}  // namespace

int LosslessAdcBits(const Array& a) {
  const double rows = a.max_active_rows() ? a.max_active_rows() : a.rows();
  const double max_sum = rows * (std::pow(2.0, a.cell_bits()) - 1) * (std::pow(2.0, a.dac_bits()) - 1);
  return static_cast<int>(std::ceil(std::log2(max_sum + 1)));
}

absl::StatusOr<HardwareDescription> ParseHardwareText(absl::string_view text,
                                                      absl::string_view filename) {
  const Schema& s = GetSchema();
  std::unique_ptr<pb::Message> msg(s.factory.GetPrototype(s.root)->New());
  pb::TextFormat::Parser parser;
  Collector errors;
  parser.RecordErrorsTo(&errors);
  pb::io::ArrayInputStream in(text.data(), static_cast<int>(text.size()));
  if (!parser.Parse(&in, msg.get())) {
    return absl::InvalidArgumentError(absl::StrCat(filename, ":", errors.first));
  }
  HardwareDescription hw;
  if (!hw.ParseFromString(msg->SerializeAsString())) {
    return absl::InternalError("hardware schema and generated code disagree");
  }
  return hw;
}

ValidationResult ValidateHardware(const HardwareDescription& hw) {
  ValidationResult r;
  auto fail = [&](absl::Status s) {
    r.status = absl::Status(s.code(), absl::StrCat("target '", hw.name(), "': ", s.message()));
    return r;
  };
  if (hw.name().empty()) return fail(absl::InvalidArgumentError("name: must be set"));
  if (hw.family() == FAMILY_UNSPECIFIED) return fail(absl::InvalidArgumentError("family: must be set"));
  // Generic numeric checks through reflection, for field paths everywhere.
  const Schema& s = GetSchema();
  std::unique_ptr<pb::Message> dyn(s.factory.GetPrototype(s.root)->New());
  dyn->ParseFromString(hw.SerializeAsString());
  if (absl::Status n = CheckNumbers(*dyn, ""); !n.ok()) return fail(n);
  if (hw.family() == FAMILY_NDP_DIMM) {
    if (absl::Status v = ValidateSystem(hw); !v.ok()) return fail(v);
    return r;
  }
  if (hw.granularity() == GRANULARITY_UNSPECIFIED) {
    return fail(absl::InvalidArgumentError("granularity: must be set"));
  }
  if (absl::Status v = ValidateChip(hw, r.warnings); !v.ok()) return fail(v);
  for (std::string& w : r.warnings) w = absl::StrCat("target '", hw.name(), "': ", w);
  return r;
}

std::vector<std::string> PresetNames() {
  std::vector<std::string> names;
  for (const Preset& p : kPresets) names.push_back(p.name);
  std::sort(names.begin(), names.end());
  return names;
}

absl::StatusOr<std::string> PresetText(absl::string_view name) {
  for (const Preset& p : kPresets) {
    if (name == p.name) return std::string(p.text);
  }
  return absl::NotFoundError(absl::StrCat("unknown target '", name, "' (presets: ",
                                          absl::StrJoin(PresetNames(), ", "),
                                          "; or give a .textproto file)"));
}

absl::StatusOr<HardwareDescription> LoadTarget(const std::string& name_or_path) {
  std::string text, where;
  struct stat st;
  if (stat(name_or_path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
    std::ifstream f(name_or_path);
    std::stringstream buf;
    buf << f.rdbuf();
    text = buf.str();
    where = name_or_path;
  } else {
    IMCC_ASSIGN_OR_RETURN(text, PresetText(name_or_path));
    where = absl::StrCat("hwmodels/presets/", name_or_path, ".textproto");
  }
  IMCC_ASSIGN_OR_RETURN(HardwareDescription hw, ParseHardwareText(text, where));
  ValidationResult v = ValidateHardware(hw);
  if (!v.status.ok()) {
    return absl::Status(v.status.code(), absl::StrCat(where, ": ", v.status.message()));
  }
  return hw;
}

std::string DescribeTarget(const HardwareDescription& hw) {
  const Schema& s = GetSchema();
  std::unique_ptr<pb::Message> dyn(s.factory.GetPrototype(s.root)->New());
  dyn->ParseFromString(hw.SerializeAsString());
  std::string out = absl::StrCat("# target ", hw.name(), ": ", hw.description(),
                                 "\n# field: value  # meaning and unit\n");
  Describe(*dyn, 0, out);
  ValidationResult v = ValidateHardware(hw);
  for (const std::string& w : v.warnings) absl::StrAppend(&out, "# warning: ", w, "\n");
  if (hw.family() != FAMILY_NDP_DIMM) {
    absl::StrAppend(&out, "# derived: lossless ADC needs ", LosslessAdcBits(hw.chip().core().array()),
                    " bits; ", hw.chip().cores_x() * hw.chip().cores_y() * hw.chip().core().arrays(),
                    " arrays in all\n");
  }
  return out;
}

std::string ListTargets() {
  std::string out;
  for (const std::string& name : PresetNames()) {
    absl::StatusOr<HardwareDescription> hw = LoadTarget(name);
    if (!hw.ok()) {
      absl::StrAppend(&out, absl::StrFormat("%-20s INVALID: %s\n", name, hw.status().message()));
      continue;
    }
    const std::string fam = hw->family() == FAMILY_CROSSBAR   ? "crossbar"
                            : hw->family() == FAMILY_DUAL_MODE ? "dual-mode"
                                                               : "ndp-dimm";
    absl::StrAppend(&out, absl::StrFormat("%-20s %-10s %s\n", name, fam, hw->description()));
  }
  return out;
}

}  // namespace imcc::hw
