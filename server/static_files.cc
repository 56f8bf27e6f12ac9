#include "server/static_files.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "server/gzip.h"
#include "server/server_impl.h"

namespace sentio::server {

std::string_view ContentTypeFor(std::string_view path) {
  auto dot = path.rfind('.');
  std::string_view ext = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
  if (ext == "html" || ext == "htm") return "text/html; charset=utf-8";
  if (ext == "js" || ext == "mjs") return "application/javascript; charset=utf-8";
  if (ext == "css") return "text/css; charset=utf-8";
  if (ext == "json" || ext == "map") return "application/json";
  if (ext == "svg") return "image/svg+xml";
  if (ext == "png") return "image/png";
  if (ext == "jpg" || ext == "jpeg") return "image/jpeg";
  if (ext == "gif") return "image/gif";
  if (ext == "webp") return "image/webp";
  if (ext == "ico") return "image/x-icon";
  if (ext == "woff2") return "font/woff2";
  if (ext == "woff") return "font/woff";
  if (ext == "txt") return "text/plain; charset=utf-8";
  if (ext == "webmanifest") return "application/manifest+json";
  if (ext == "wasm") return "application/wasm";
  return "application/octet-stream";
}

bool IsHashedAsset(std::string_view path) {
  // Vite: assets/index-4f3c2a1b.js, assets/logo-Bx9_k2Lq.svg
  auto slash = path.rfind('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  auto dot = name.rfind('.');
  auto dash = name.rfind('-', dot);
  if (dot == std::string_view::npos || dash == std::string_view::npos || dot - dash - 1 < 8) return false;
  for (std::size_t i = dash + 1; i < dot; ++i) {
    const char c = name[i];
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
  }
  return path.find("/assets/") != std::string_view::npos || path.starts_with("assets/");
}

StaticFiles::StaticFiles(std::string root, std::size_t max_cache_bytes)
    : root_(std::move(root)), max_cache_bytes_(max_cache_bytes) {
  std::error_code ec;
  auto canon = std::filesystem::weakly_canonical(root_, ec);
  if (!ec) root_ = canon.string();
}

std::shared_ptr<const StaticFiles::File> StaticFiles::Load(std::string_view url_path, std::string* resolved) {
  auto decoded = PercentDecode(url_path, /*plus_is_space=*/false);
  if (!decoded.ok()) return nullptr;
  std::string rel = *decoded;
  while (!rel.empty() && rel.front() == '/') rel.erase(0, 1);
  if (rel.empty()) rel = "index.html";
  // Refuse traversal outright rather than trusting normalisation.
  if (rel.find("..") != std::string::npos || rel.find('\\') != std::string::npos || rel.find('\0') != std::string::npos)
    return nullptr;
  std::string full = root_ + "/" + rel;
  struct stat st {};
  if (::stat(full.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return nullptr;
  *resolved = rel;
  {
    std::lock_guard lk(mu_);
    auto it = cache_.find(full);
    if (it != cache_.end() && it->second->mtime == st.st_mtim.tv_sec && it->second->size == static_cast<std::uint64_t>(st.st_size))
      return it->second;
  }
  std::ifstream in(full, std::ios::binary);
  if (!in) return nullptr;
  std::stringstream ss;
  ss << in.rdbuf();
  auto f = std::make_shared<File>();
  f->body = ss.str();
  f->content_type = std::string(ContentTypeFor(rel));
  f->mtime = st.st_mtim.tv_sec;
  f->size = static_cast<std::uint64_t>(st.st_size);
  if (f->body.size() >= 1024 && IsCompressibleType(f->content_type)) {
    std::string z;
    if (GzipCompress(f->body, z, 9) && z.size() < f->body.size()) f->gzip = std::move(z);
  }
  std::shared_ptr<const File> out = f;
  std::lock_guard lk(mu_);
  const std::size_t cost = f->body.size() + f->gzip.size();
  if (cost <= max_cache_bytes_ / 4) {
    if (cache_bytes_ + cost > max_cache_bytes_) {  // simple bound: start over
      cache_.clear();
      cache_bytes_ = 0;
    }
    auto [it, inserted] = cache_.insert_or_assign(full, out);
    (void)it;
    (void)inserted;
    cache_bytes_ += cost;
  }
  return out;
}

void StaticFiles::Serve(Server::Impl& s, Ctx& c) {
  const bool gzip_ok = AcceptsGzip(HeaderValue(c.req, http::field::accept_encoding));
  const bool head = c.req.method() == http::verb::head;
  const unsigned version = c.req.version();
  s.RunBlocking(c.ex, [this, path = std::string(c.path), gzip_ok, head, version, ex = c.ex] {
    std::string rel;
    auto f = Load(path, &rel);
    const bool looks_like_file = path.rfind('.') != std::string::npos && path.rfind('.') > path.rfind('/');
    if (!f && !looks_like_file) f = Load("/index.html", &rel);  // client-side route
    if (!f) return ex->ReplyError({Code::kNotFound, "not found: " + path});
    Response res{http::status::ok, version};
    res.set(http::field::content_type, f->content_type);
    res.set(http::field::cache_control,
            IsHashedAsset(rel) ? "public, max-age=31536000, immutable" : "no-cache");
    if (gzip_ok && !f->gzip.empty()) {
      res.set(http::field::content_encoding, "gzip");
      res.set(http::field::vary, "Accept-Encoding");
      res.body() = head ? std::string() : f->gzip;
    } else {
      res.body() = head ? std::string() : f->body;
    }
    ex->Reply(std::move(res));
  });
}

}  // namespace sentio::server
