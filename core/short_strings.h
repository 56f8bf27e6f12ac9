#pragma once
// Equality and assignment for the short strings the hot loops handle per record (class
// labels, model versions): compared inline a word at a time, where std::string's operator==
// and assign call memcmp / memcpy through the PLT for a few bytes. Same results as the
// standard ones.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace sentio {

inline bool EqualShort(std::string_view a, std::string_view b) {
  const std::size_t n = a.size();
  if (n != b.size()) return false;
  const char* x = a.data();
  const char* y = b.data();
  // Up to 16 bytes: the first and the last word of each (they overlap when n is not a
  // multiple of the word size), so every byte is compared and none is read past the end.
  auto differ = [&]<typename W>(W) {
    W p, q, r, t;
    std::memcpy(&p, x, sizeof p);
    std::memcpy(&q, y, sizeof q);
    std::memcpy(&r, x + n - sizeof r, sizeof r);
    std::memcpy(&t, y + n - sizeof t, sizeof t);
    return ((p ^ q) | (r ^ t)) != 0;
  };
  if (n >= 8) {
    if (n > 16) return std::memcmp(x, y, n) == 0;
    return !differ(std::uint64_t{});
  }
  if (n >= 4) return !differ(std::uint32_t{});
  for (std::size_t i = 0; i < n; ++i) {
    if (x[i] != y[i]) return false;
  }
  return true;
}

// dst = src, writing nothing when they are already equal (a reused record's label vector
// holds the same names batch after batch).
inline void AssignShort(std::string& dst, std::string_view src) {
  if (!EqualShort(dst, src)) dst.assign(src);
}

}  // namespace sentio
