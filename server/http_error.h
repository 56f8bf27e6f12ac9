// The ONE place that turns sentio::Code into an HTTP status and the JSON error body of
// API.md: {"error": {"code": "...", "message": "...", "details": {...}}}.
#pragma once

#include <boost/json.hpp>

#include <string>

#include "core/status.h"

namespace sentio::server {

// An error on its way to the client. `details` is optional structured context
// (e.g. {"unknown": ["foo"]} or {"field": "limit"}).
struct ApiError {
  Code code = Code::kInternal;
  std::string message;
  boost::json::object details;
  int retry_after_s = 0;  // > 0 adds a Retry-After header (429/503)
  unsigned http_status = 0;  // overrides the Code mapping; only for 405 (no Code for it)

  static ApiError From(const Status& s) { return {s.code(), s.message(), {}, 0, 0}; }
};

// Code -> HTTP status (kOk -> 200).
unsigned HttpStatusFor(Code c) noexcept;
// The status an ApiError is sent with (http_status override, else HttpStatusFor(code)).
inline unsigned HttpStatusFor(const ApiError& e) noexcept { return e.http_status ? e.http_status : HttpStatusFor(e.code); }

// The JSON error body (compact).
std::string ErrorBody(const ApiError& e);

}  // namespace sentio::server
