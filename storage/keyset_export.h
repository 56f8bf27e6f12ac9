// Keyset-paged export shared by every Store backend: ExportPosts streams newest first in
// chunks of `chunk_size`, each fetched by one short query/transaction (so a slow consumer
// never pins a snapshot or a pooled connection), resuming after the last (created_at, id).
#pragma once

#include <cstddef>
#include <cstdint>
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
