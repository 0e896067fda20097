// Status-propagation macros. Debian's Abseil 20220623 has none; these behave
// like the later ABSL_RETURN_IF_ERROR / ABSL_ASSIGN_OR_RETURN so an upgrade is
// a find-and-replace. Nothing else belongs here.
#ifndef IMCC_IR_SUPPORT_STATUS_MACROS_H_
#define IMCC_IR_SUPPORT_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define IMCC_STATUS_CONCAT_INNER_(a, b) a##b
#define IMCC_STATUS_CONCAT_(a, b) IMCC_STATUS_CONCAT_INNER_(a, b)

// Returns from the enclosing function if `expr` (an absl::Status) is not OK.
#define IMCC_RETURN_IF_ERROR(expr)                    \
  do {                                                \
    ::absl::Status imcc_status_ = (expr);             \
    if (!imcc_status_.ok()) return imcc_status_;      \
  } while (0)

// `lhs` = value of `rexpr` (an absl::StatusOr<T>), or returns its status.
#define IMCC_ASSIGN_OR_RETURN(lhs, rexpr) \
  IMCC_ASSIGN_OR_RETURN_IMPL_(IMCC_STATUS_CONCAT_(imcc_statusor_, __LINE__), lhs, rexpr)

#define IMCC_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = std::move(statusor).value()

namespace imcc {

// Returns `status` with `prefix + ": "` prepended to its message; OK stays OK.
inline absl::Status Annotate(const absl::Status& status, absl::string_view prefix) {
  if (status.ok()) return status;
  return absl::Status(status.code(),
                      std::string(prefix) + ": " + std::string(status.message()));
}

}  // namespace imcc

#endif  // IMCC_IR_SUPPORT_STATUS_MACROS_H_
