#include "server/http_error.h"

#include "core/json_writer.h"

namespace sentio::server {

unsigned HttpStatusFor(Code c) noexcept {
  switch (c) {
    case Code::kOk: return 200;
    case Code::kInvalidArgument: return 400;
    case Code::kUnprocessable: return 422;
    case Code::kNotFound: return 404;
    case Code::kAlreadyExists: return 409;
    case Code::kTooLarge: return 413;
    case Code::kUnsupportedMedia: return 415;
    case Code::kUnauthenticated: return 401;
    case Code::kPermissionDenied: return 403;
    case Code::kResourceExhausted: return 429;
    case Code::kUnavailable: return 503;
    case Code::kDeadlineExceeded: return 408;
    case Code::kDataLoss:
    case Code::kIoError:
    case Code::kInternal: return 500;
  }
  return 500;
}

std::string ErrorBody(const ApiError& e) {
  boost::json::object err;
  err["code"] = e.http_status == 405 ? std::string_view("METHOD_NOT_ALLOWED") : code_name(e.code);
  err["message"] = e.message;
  err["details"] = e.details;
  boost::json::object root;
  root["error"] = std::move(err);
  return ::sentio::ToJson(root);
}

}  // namespace sentio::server
