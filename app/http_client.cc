#include "app/http_client.h"

#include <curl/curl.h>

#include <cctype>

namespace sentio::app {
namespace {

size_t OnBody(char* p, size_t size, size_t n, void* ud) {
  static_cast<std::string*>(ud)->append(p, size * n);
  return size * n;
}

size_t OnHeader(char* p, size_t size, size_t n, void* ud) {
  std::string h(p, size * n);
  std::string lower;
  for (char c : h) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower.rfind("retry-after:", 0) == 0) {
    std::string v = h.substr(12);
    while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front()))) v.erase(0, 1);
    while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.pop_back();
    *static_cast<std::string*>(ud) = v;
  }
  return size * n;
}

}  // namespace

HttpClient::HttpClient(std::string base_url, std::string api_key)
    : base_(std::move(base_url)), key_(std::move(api_key)), curl_(curl_easy_init()) {
  while (!base_.empty() && base_.back() == '/') base_.pop_back();
}

HttpClient::~HttpClient() {
  if (curl_) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

Result<HttpResponse> HttpClient::Post(const std::string& path, const std::string& body, const std::string& ct) {
  return Do(path, &body, ct);
}

Result<HttpResponse> HttpClient::Get(const std::string& path) { return Do(path, nullptr, ""); }

Result<HttpResponse> HttpClient::Do(const std::string& path, const std::string* body, const std::string& ct) {
  CURL* c = static_cast<CURL*>(curl_);
  if (!c) return Internal("curl_easy_init failed");
  curl_easy_reset(c);
  HttpResponse r;
  std::string url = base_ + path;
  curl_slist* headers = nullptr;
  if (!ct.empty()) headers = curl_slist_append(headers, ("Content-Type: " + ct).c_str());
  if (!key_.empty()) headers = curl_slist_append(headers, ("Authorization: Bearer " + key_).c_str());
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 5L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &r.retry_after);
  if (headers) curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  if (body) {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body->data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
  }
  CURLcode rc = curl_easy_perform(c);
  if (headers) curl_slist_free_all(headers);
  if (rc != CURLE_OK) return Unavailable(url + ": " + curl_easy_strerror(rc));
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
  return r;
}

}  // namespace sentio::app
