#include "server/gzip.h"

#include <zlib.h>

#include <cctype>

namespace sentio::server {

bool GzipCompress(std::string_view in, std::string& out, int level) {
  z_stream zs{};
  if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16 /* gzip wrapper */, 8, Z_DEFAULT_STRATEGY) != Z_OK) return false;
  out.resize(deflateBound(&zs, static_cast<uLong>(in.size())) + 32);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  const auto produced = zs.total_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return false;
  out.resize(produced);
  return true;
}

bool AcceptsGzip(std::string_view v) {
  std::size_t pos = 0;
  while (pos < v.size()) {
    std::size_t comma = v.find(',', pos);
    if (comma == std::string_view::npos) comma = v.size();
    std::string_view item = v.substr(pos, comma - pos);
    pos = comma + 1;
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    std::size_t semi = item.find(';');
    std::string_view coding = item.substr(0, semi);
    while (!coding.empty() && coding.back() == ' ') coding.remove_suffix(1);
    auto ieq = [](std::string_view a, std::string_view b) {
      if (a.size() != b.size()) return false;
      for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != b[i]) return false;
      return true;
    };
    if (!ieq(coding, "gzip") && coding != "*") continue;
    if (semi != std::string_view::npos) {
      std::string_view params = item.substr(semi + 1);
      std::size_t q = params.find("q=");
      if (q != std::string_view::npos) {
        std::string_view qv = params.substr(q + 2);
        // q=0, q=0.0, q=0.000 mean "not acceptable"
        bool zero = !qv.empty() && qv[0] == '0';
        for (std::size_t i = 1; zero && i < qv.size() && qv[i] != ' ' && qv[i] != ';'; ++i)
          if (qv[i] != '.' && qv[i] != '0') zero = false;
        if (zero) continue;
      }
    }
    return true;
  }
  return false;
}

bool IsCompressibleType(std::string_view ct) {
  return ct.starts_with("application/json") || ct.starts_with("text/") || ct.starts_with("application/javascript") ||
         ct.starts_with("image/svg+xml") || ct.starts_with("application/x-ndjson") ||
         ct.starts_with("application/manifest+json") || ct.starts_with("application/wasm");
}

}  // namespace sentio::server
