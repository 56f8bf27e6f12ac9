#include "core/status.h"

namespace sentio {

std::string_view code_name(Code c) noexcept {
  switch (c) {
    case Code::kOk: return "OK";
    case Code::kInvalidArgument: return "INVALID_ARGUMENT";
    case Code::kUnprocessable: return "INVALID_PARAMETER";
    case Code::kNotFound: return "NOT_FOUND";
    case Code::kAlreadyExists: return "CONFLICT";
    case Code::kTooLarge: return "PAYLOAD_TOO_LARGE";
    case Code::kUnsupportedMedia: return "UNSUPPORTED_MEDIA_TYPE";
    case Code::kUnauthenticated: return "UNAUTHENTICATED";
    case Code::kPermissionDenied: return "FORBIDDEN";
    case Code::kResourceExhausted: return "RATE_LIMITED";
    case Code::kUnavailable: return "UNAVAILABLE";
    case Code::kDeadlineExceeded: return "TIMEOUT";
    case Code::kDataLoss: return "DATA_LOSS";
    case Code::kIoError: return "IO_ERROR";
    case Code::kInternal: return "INTERNAL";
  }
  return "UNKNOWN";
}

std::string Status::to_string() const {
  if (ok()) return "OK";
  std::string s(code_name(code_));
  s += ": ";
  s += message_;
  return s;
}

}  // namespace sentio
