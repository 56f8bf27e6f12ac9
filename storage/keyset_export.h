// Keyset paging shared by every Store backend: the page cursor format, and the loop behind
// ExportPosts, which streams newest first in chunks of `chunk_size`, each fetched by one short
// query/transaction (so a slow consumer never pins a snapshot or a pooled connection),
// resuming after the last (created_at, id).
#pragma once

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string>
#include <functional>
#include <span>
#include <vector>

#include "core/status.h"
#include "core/types.h"
#include "storage/store.h"

namespace sentio::storage {

// Where the previous chunk ended; absent for the first chunk.
struct ExportCursor {
  bool valid = false;
  TimeMs created_at = 0;
  std::int64_t id = 0;
};

// The opaque page cursor of GET /api/posts: "c<created_at>.<id>" of the last post returned.
inline std::string EncodeCursor(TimeMs created_at, std::int64_t id) {
  return "c" + std::to_string(created_at) + "." + std::to_string(id);
}

inline bool DecodeCursor(const std::string& c, TimeMs& created_at, std::int64_t& id) {
  if (c.size() < 4 || c[0] != 'c') return false;
  const auto dot = c.find('.', 1);
  if (dot == std::string::npos) return false;
  const char* b = c.data() + 1;
  const char* m = c.data() + dot;
  const char* e = c.data() + c.size();
  const auto r1 = std::from_chars(b, m, created_at);
  const auto r2 = std::from_chars(m + 1, e, id);
  return r1.ec == std::errc() && r1.ptr == m && r2.ec == std::errc() && r2.ptr == e;
}

// `fetch(cursor, chunk)` appends up to chunk_size records after `cursor` to `chunk` (which
// it may clear first on retry). Stops when a chunk comes back short or `sink` says stop.
template <class Fetch>
Status ExportByKeyset(std::size_t chunk_size, Fetch&& fetch,
                      const std::function<bool(std::span<const PostRecord>)>& sink) {
  ExportCursor cursor;
  std::vector<PostRecord> chunk;
  for (;;) {
    chunk.clear();
    SENTIO_RETURN_IF_ERROR(fetch(static_cast<const ExportCursor&>(cursor), chunk));
    if (chunk.empty() || !sink(chunk) || chunk.size() < chunk_size) return Status::Ok();
    cursor = ExportCursor{true, chunk.back().post.created_at, chunk.back().id};
  }
}

}  // namespace sentio::storage
