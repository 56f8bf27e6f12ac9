// Small blocking HTTP client (libcurl) for CLI verbs that talk to a running server.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace sentio::app {

struct HttpResponse {
  long status = 0;
  std::string body;
  std::string retry_after;  // header value, if any
};

class HttpClient {
 public:
  explicit HttpClient(std::string base_url, std::string api_key = "");
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;
  Result<HttpResponse> Post(const std::string& path, const std::string& body, const std::string& content_type);
  Result<HttpResponse> Get(const std::string& path);

 private:
  Result<HttpResponse> Do(const std::string& path, const std::string* body, const std::string& content_type);
  std::string base_;
  std::string key_;
  void* curl_;
};

}  // namespace sentio::app
