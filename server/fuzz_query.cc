// libFuzzer target for the query-string parser (built with -DSENTIO_FUZZ=ON and clang).
// Also compiled as `fuzz_query_corpus`, a plain test that replays server/fuzz_corpus/query.
// Invariants: no crash/UB; accepted input round-trips through percent-encoding; the strict
// reader never throws on arbitrary pairs.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "server/query.h"

namespace {

std::string Encode(const std::string& s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

void Check(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto r = sentio::server::ParseQuery(in);
  if (!r.ok()) return;
  std::string again;
  for (const auto& [k, v] : *r) {
    if (k.empty() || k.find('\0') != std::string::npos) std::abort();
    if (!again.empty()) again.push_back('&');
    again += Encode(k) + "=" + Encode(v);
  }
  auto r2 = sentio::server::ParseQuery(again);
  if (!r2.ok() || r2->size() != r->size()) std::abort();
  for (std::size_t i = 0; i < r->size(); ++i)
    if ((*r)[i] != (*r2)[i]) std::abort();
  sentio::server::QueryReader reader(*r);
  int limit = 0;
  std::optional<sentio::TimeMs> t;
  std::optional<std::string> e;
  reader.Int("limit", limit, 1, 1000);
  reader.Time("start_date", t);
  reader.Enum("period", e, {"minute", "hour"});
  (void)reader.Finish();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Check(data, size);
  return 0;
}

#ifdef SENTIO_FUZZ_STANDALONE
int main(int argc, char** argv) {
  std::filesystem::path dir = argc > 1 ? argv[1] : FUZZ_CORPUS_DIR;
  int n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream f(entry.path(), std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    std::string s = ss.str();
    Check(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
    ++n;
  }
  // A few generated inputs beyond the corpus: every byte value in key and value position.
  for (int b = 0; b < 256; ++b) {
    std::string s = "k" + std::string(1, static_cast<char>(b)) + "=v%" + std::string(1, static_cast<char>(b)) + "0";
    Check(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
  }
  std::printf("fuzz_query corpus: %d files OK\n", n);
  return n > 0 ? 0 : 1;
}
#endif
