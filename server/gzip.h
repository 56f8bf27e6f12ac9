// gzip (RFC 1952) compression of response bodies with zlib.
#pragma once

#include <string>
#include <string_view>

namespace sentio::server {

// Compresses `in` into a gzip member. Returns false (and leaves `out` unspecified) on a
// zlib error. level: 1 (fast) .. 9; 6 is zlib's default.
bool GzipCompress(std::string_view in, std::string& out, int level = 5);

// True when an Accept-Encoding header value allows gzip (not "gzip;q=0").
bool AcceptsGzip(std::string_view accept_encoding);

// Content types worth compressing (json, text, javascript, svg, ...).
bool IsCompressibleType(std::string_view content_type);

}  // namespace sentio::server
