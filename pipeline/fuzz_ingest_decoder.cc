// libFuzzer target: the ingest decoder must never crash or hang, whatever the body.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "pipeline/ingest_decoder.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  sentio::pipeline::IngestLimits lim;
  lim.max_posts = 64;
  for (bool ndjson : {false, true}) {
    auto r = sentio::pipeline::DecodeIngest(body, ndjson, lim, 1795428000000LL);
    if (r.ok()) {
      if (r->posts.size() + r->errors.size() < r->items) __builtin_trap();  // every item accounted for
      for (const auto& p : r->posts)
        if (p.content.empty() || p.source.empty()) __builtin_trap();
    }
  }
  return 0;
}
