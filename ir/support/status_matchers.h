// GoogleTest matchers and macros for absl::Status (Debian's Abseil has none):
// IsOk(), StatusIs(code, message_matcher), IMCC_ASSERT_OK,
// IMCC_ASSERT_OK_AND_ASSIGN. Test-only.
#ifndef IMCC_IR_SUPPORT_STATUS_MATCHERS_H_
#define IMCC_IR_SUPPORT_STATUS_MATCHERS_H_

#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace imcc::testing {

inline const absl::Status& GetStatus(const absl::Status& s) { return s; }
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& s) { return s.status(); }

MATCHER(IsOk, "is OK") {
  const absl::Status& s = GetStatus(arg);
  if (!s.ok()) *result_listener << "status is " << s.ToString();
  return s.ok();
}

MATCHER_P2(StatusIs, code, message_matcher, "") {
  const absl::Status& s = GetStatus(arg);
  *result_listener << "status is " << s.ToString();
  return s.code() == code &&
         ::testing::ExplainMatchResult(message_matcher, std::string(s.message()),
                                       result_listener);
}

}  // namespace imcc::testing

#define IMCC_ASSERT_OK(expr) ASSERT_THAT((expr), ::imcc::testing::IsOk())
#define IMCC_EXPECT_OK(expr) EXPECT_THAT((expr), ::imcc::testing::IsOk())

#define IMCC_ASSERT_OK_AND_ASSIGN(lhs, rexpr) \
  IMCC_ASSERT_OK_AND_ASSIGN_IMPL_(IMCC_STATUS_CONCAT_(imcc_tstatusor_, __LINE__), lhs, rexpr)
#define IMCC_ASSERT_OK_AND_ASSIGN_IMPL_(statusor, lhs, rexpr)  \
  auto statusor = (rexpr);                                     \
  ASSERT_TRUE(statusor.ok()) << statusor.status().ToString();  \
  lhs = std::move(statusor).value()

#ifndef IMCC_STATUS_CONCAT_
#define IMCC_STATUS_CONCAT_INNER_(a, b) a##b
#define IMCC_STATUS_CONCAT_(a, b) IMCC_STATUS_CONCAT_INNER_(a, b)
#endif

#endif  // IMCC_IR_SUPPORT_STATUS_MATCHERS_H_
