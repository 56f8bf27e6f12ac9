// Status and Result<T>: the one error type of Sentio's core.
// Exceptions are used at most at the edges (CLI, third-party callbacks); everything
// inside returns Status / Result. server/http_error.h maps Code -> HTTP once.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace sentio {

enum class Code : int {
  kOk = 0,
  kInvalidArgument,     // malformed input (HTTP 400)
  kUnprocessable,       // well-formed but invalid values (422)
  kNotFound,            // 404
  kAlreadyExists,       // 409
  kTooLarge,            // 413
  kUnsupportedMedia,    // 415
  kUnauthenticated,     // 401
  kPermissionDenied,    // 403
  kResourceExhausted,   // overload / rate limit (429)
  kUnavailable,         // not ready / dependency down (503)
  kDeadlineExceeded,    // 408 / timeouts
  kDataLoss,            // corrupt file or record
  kIoError,             // filesystem / socket errors
  kInternal,            // bugs (500)
};

std::string_view code_name(Code c) noexcept;  // e.g. "INVALID_ARGUMENT"

class [[nodiscard]] Status {
 public:
  Status() noexcept = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() noexcept { return {}; }
  bool ok() const noexcept { return code_ == Code::kOk; }
  Code code() const noexcept { return code_; }
  const std::string& message() const noexcept { return message_; }
  std::string to_string() const;  // "INVALID_ARGUMENT: message"

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

inline Status Error(Code c, std::string msg) { return Status(c, std::move(msg)); }
inline Status InvalidArgument(std::string m) { return {Code::kInvalidArgument, std::move(m)}; }
inline Status Unprocessable(std::string m) { return {Code::kUnprocessable, std::move(m)}; }
inline Status NotFound(std::string m) { return {Code::kNotFound, std::move(m)}; }
inline Status IoError(std::string m) { return {Code::kIoError, std::move(m)}; }
inline Status DataLoss(std::string m) { return {Code::kDataLoss, std::move(m)}; }
inline Status Internal(std::string m) { return {Code::kInternal, std::move(m)}; }
inline Status Unavailable(std::string m) { return {Code::kUnavailable, std::move(m)}; }
inline Status ResourceExhausted(std::string m) { return {Code::kResourceExhausted, std::move(m)}; }

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}                        // NOLINT(implicit)
  Result(Status status) : v_(std::move(status)) { assert(!std::get<Status>(v_).ok()); }  // NOLINT

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { assert(ok()); return std::get<T>(v_); }
  const T& value() const& { assert(ok()); return std::get<T>(v_); }
  T&& value() && { assert(ok()); return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace sentio

#define SENTIO_RETURN_IF_ERROR(expr)          \
  do {                                        \
    ::sentio::Status _st = (expr);            \
    if (!_st.ok()) return _st;                \
  } while (0)

#define SENTIO_CONCAT_INNER(a, b) a##b
#define SENTIO_CONCAT(a, b) SENTIO_CONCAT_INNER(a, b)
#define SENTIO_ASSIGN_OR_RETURN(lhs, expr) \
  SENTIO_ASSIGN_OR_RETURN_IMPL(SENTIO_CONCAT(_res_, __LINE__), lhs, expr)
#define SENTIO_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return tmp.status();                 \
  lhs = std::move(tmp).value()
