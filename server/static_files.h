// The dashboard's static files from `web_dir`: content types, index.html fallback for
// client-side routes, long cache for hashed assets (assets/*-<hash>.js), gzip. Files are read
// on the blocking pool and cached in memory (bounded; re-read when size/mtime change).
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "server/server.h"

namespace sentio::server {

struct Ctx;

// Content type for a file name by extension ("application/octet-stream" if unknown).
std::string_view ContentTypeFor(std::string_view path);
// True for build outputs whose name carries a content hash (cache for a year).
bool IsHashedAsset(std::string_view path);

class StaticFiles {
 public:
  explicit StaticFiles(std::string root, std::size_t max_cache_bytes = 32 << 20);
  // Answers ctx (GET/HEAD) from the blocking pool.
  void Serve(Server::Impl& s, Ctx& c);

  struct File {
    std::string body, gzip;  // gzip empty when not worth it
    std::string content_type;
    std::int64_t mtime = 0;
    std::uint64_t size = 0;
  };
  // Resolves a URL path to a file under root (nullptr = not found / outside root).
  std::shared_ptr<const File> Load(std::string_view url_path, std::string* resolved);

 private:
  std::string root_;
  std::size_t max_cache_bytes_;
  std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const File>> cache_;  // guarded by mu_
  std::size_t cache_bytes_ = 0;                                        // guarded by mu_
};

}  // namespace sentio::server
