// Stable 64-bit hashing for hashed features (word n-grams, char n-grams).
//
// STABILITY CONTRACT: trained model files store weights indexed by these hashes, so the
// functions below must produce the same values on every platform, compiler and run.
// They use only fixed-width unsigned arithmetic (no std::hash, no seeds from the
// environment). Changing any constant or the byte order of the inputs breaks every
// trained linear model; hashing_test.cc pins known values.
//
//   Fnv1a64(s)        FNV-1a 64-bit over the bytes of s:
//                       h = 0xcbf29ce484222325; for each byte b: h ^= b; h *= 0x100000001b3
//   Mix64(x)          MurmurHash3 fmix64 finaliser:
//                       x ^= x >> 33; x *= 0xff51afd7ed558ccd; x ^= x >> 33;
//                       x *= 0xc4ceb9fe1a85ec53; x ^= x >> 33
//   HashCombine(a,b)  order-dependent combine of two hashes:
//                       Mix64(a ^ (b + 0x9e3779b97f4a7c15 + (a << 6) + (a >> 2)))   (mod 2^64)
//   HashTokens(h...)  word n-gram: HashCombine(...HashCombine(HashCombine(h0, h1), h2)..., hn-1)
//                     (a unigram is just its token hash h0)
//   ForEachCharNgram  fastText-style character n-grams of "<" + word + ">", taken at
//                     code-point boundaries, each hashed with Fnv1a64 over its UTF-8 bytes.
//
// Token hash version 2 (models trained since stop 20; version 1 is Fnv1a64 above):
//   Mum(a, b)         the 128-bit product a * b, its low 64 bits xor its high 64 bits
//   Load(p, n)        n <= 8 bytes at p as a little-endian integer (zero-extended)
//   WordHash64(s)     n = |s|, seed = kWordSeed0 ^ n; while n > 16: seed = Mum(Load(p, 8) ^
//                     kWordSeed1, Load(p + 8, 8) ^ seed), p += 16, n -= 16; then with
//                     a = Load(p, min(n, 8)), b = Load(p + 8, n - 8 if n > 8 else 0):
//                     Mum(Mum(a ^ kWordSeed1, b ^ seed) ^ kWordSeed2, kWordSeed3)
//                     (one Mum alone was measured worse: sentiment validation accuracy -0.01 over
//                     several seeds and bucket counts, stop 20)
//   MumCombine(a, b)  order-dependent combine of two version-2 hashes: Mum(a ^ kWordSeed2, b ^ kWordSeed3)
// FNV-1a costs a dependent multiply per byte; WordHash64 one (128-bit) multiply per 16 bytes
// and one to finish.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

#include "text/utf8.h"

namespace sentio::text {

inline constexpr std::uint64_t kFnvOffset64 = 0xcbf29ce484222325ULL;
inline constexpr std::uint64_t kFnvPrime64 = 0x100000001b3ULL;

// Continues an FNV-1a 64 hash `h` over the bytes of `s` (start with kFnvOffset64).
constexpr std::uint64_t Fnv1a64Update(std::uint64_t h, std::string_view s) noexcept {
  for (char c : s) {
    h ^= static_cast<std::uint8_t>(c);
    h *= kFnvPrime64;
  }
  return h;
}

constexpr std::uint64_t Fnv1a64(std::string_view s) noexcept { return Fnv1a64Update(kFnvOffset64, s); }

// Fnv1a64Update(h, {p, len}) for len <= 15 where 16 bytes at p may be read (their values
// past len do not matter): for hot loops over words of varying length. A block's 8 steps all
// run and the result is picked by index, since a loop that stops at the length has its exit
// mispredicted at random from word to word (in the tokenizer: 140 ns a tweet, stop 17).
inline std::uint64_t Fnv1a64UpdatePadded(std::uint64_t h, const char* p, std::size_t len) noexcept {
  const unsigned char* q = reinterpret_cast<const unsigned char*>(p);
  if (len > 8) [[unlikely]] {
    for (std::size_t j = 0; j < 8; ++j) h = (h ^ q[j]) * kFnvPrime64;
    q += 8;
    len -= 8;
  }
  std::uint64_t after[9];  // after[j]: the hash after j more bytes
  after[0] = h;
#pragma GCC unroll 8
  for (std::size_t j = 0; j < 8; ++j) after[j + 1] = (after[j] ^ q[j]) * kFnvPrime64;
  return after[len];
}

// Which hash a tokenizer stores in Token::hash (and so which a model's features are built on).
enum class TokenHash : std::uint8_t {
  kFnv1a = 1,  // Fnv1a64: version 1 models
  kWord = 2,   // WordHash64: version 2 models
};

inline constexpr std::uint64_t kWordSeed0 = 0x9e3779b97f4a7c15ULL;
inline constexpr std::uint64_t kWordSeed1 = 0xbf58476d1ce4e5b9ULL;
inline constexpr std::uint64_t kWordSeed2 = 0x94d049bb133111ebULL;
inline constexpr std::uint64_t kWordSeed3 = 0xd6e8feb86659fd93ULL;

constexpr std::uint64_t Mum(std::uint64_t a, std::uint64_t b) noexcept {
  __extension__ using U128 = unsigned __int128;
  const U128 r = static_cast<U128>(a) * b;
  return static_cast<std::uint64_t>(r) ^ static_cast<std::uint64_t>(r >> 64);
}

constexpr std::uint64_t MumCombine(std::uint64_t a, std::uint64_t b) noexcept {
  return Mum(a ^ kWordSeed2, b ^ kWordSeed3);
}

namespace detail {

// Load(p, n) of the formulas, a byte at a time (usable at compile time).
constexpr std::uint64_t LoadLe(const char* p, std::size_t n) noexcept {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v |= std::uint64_t{static_cast<std::uint8_t>(p[i])} << (8 * i);
  return v;
}

// 8 bytes at p as a little-endian integer, in one load.
inline std::uint64_t Load8Le(const char* p) noexcept {
  std::uint64_t v;
  std::memcpy(&v, p, sizeof v);
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
  return v;
}

// The bytes of the low n (0-8) bytes of a little-endian load.
inline std::uint64_t LowBytes(std::uint64_t v, std::size_t n) noexcept {
  return n >= 8 ? v : v & ((std::uint64_t{1} << (8 * n)) - 1);
}

// The last step of WordHash64: the last (or only) 16 bytes a, b and the seed.
constexpr std::uint64_t WordHash64Finish(std::uint64_t a, std::uint64_t b, std::uint64_t seed) noexcept {
  return Mum(Mum(a ^ kWordSeed1, b ^ seed) ^ kWordSeed2, kWordSeed3);
}

}  // namespace detail

constexpr std::uint64_t WordHash64(std::string_view s) noexcept {
  const char* p = s.data();
  std::size_t n = s.size();
  std::uint64_t seed = kWordSeed0 ^ n;
  for (; n > 16; p += 16, n -= 16) {
    seed = Mum(detail::LoadLe(p, 8) ^ kWordSeed1, detail::LoadLe(p + 8, 8) ^ seed);
  }
  const std::uint64_t a = detail::LoadLe(p, n < 8 ? n : 8);
  const std::uint64_t b = n > 8 ? detail::LoadLe(p + 8, n - 8) : 0;
  return detail::WordHash64Finish(a, b, seed);
}

// WordHash64 of a text of len <= 16 bytes given as its little-endian halves a and b (zero
// past the text), for callers that hold the bytes in a register.
inline std::uint64_t WordHash64Of16(std::uint64_t a, std::uint64_t b, std::size_t len) noexcept {
  return detail::WordHash64Finish(a, b, kWordSeed0 ^ len);
}

// WordHash64({p, len}) for hot loops, where the 16 bytes after the text may be read as well
// (their values do not matter): whole 8-byte loads, masked, instead of a loop over bytes.
// (The tokenizer hashes most words from the register that holds them: WordHash64Of16.)
inline std::uint64_t WordHash64Padded(const char* p, std::size_t len) noexcept {
  std::size_t n = len;
  std::uint64_t seed = kWordSeed0 ^ n;
  if (n > 16) [[unlikely]] {
    for (; n > 16; p += 16, n -= 16) seed = Mum(detail::Load8Le(p) ^ kWordSeed1, detail::Load8Le(p + 8) ^ seed);
  }
  const std::uint64_t a = detail::LowBytes(detail::Load8Le(p), n);
  const std::uint64_t b = detail::LowBytes(detail::Load8Le(p + 8), n > 8 ? n - 8 : 0);
  return detail::WordHash64Finish(a, b, seed);
}

// The token hash of `kind` over s.
constexpr std::uint64_t HashToken(TokenHash kind, std::string_view s) noexcept {
  return kind == TokenHash::kWord ? WordHash64(s) : Fnv1a64(s);
}

constexpr std::uint64_t Mix64(std::uint64_t x) noexcept {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

constexpr std::uint64_t HashCombine(std::uint64_t a, std::uint64_t b) noexcept {
  return Mix64(a ^ (b + 0x9e3779b97f4a7c15ULL + (a << 6) + (a >> 2)));
}

// Hash of a word n-gram given its token hashes (in order). Empty span -> kFnvOffset64.
constexpr std::uint64_t HashTokens(std::span<const std::uint64_t> hs) noexcept {
  if (hs.empty()) return kFnvOffset64;
  std::uint64_t h = hs[0];
  for (std::size_t i = 1; i < hs.size(); ++i) h = HashCombine(h, hs[i]);
  return h;
}

namespace detail {

// The reference implementation: any UTF-8, n-grams at code-point boundaries.
template <typename F>
void ForEachCharNgramUtf8(std::string_view word, int minn, int maxn, F&& f) {
  if (minn < 1 || maxn < minn) return;
  auto is_cont = [](char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; };
  // Virtual string: '<' word '>' ; index 0 is '<', 1..size is word, size+1 is '>'.
  const std::size_t total = word.size() + 2;
  auto byte_at = [&](std::size_t i) -> char {
    return i == 0 ? '<' : (i == total - 1 ? '>' : word[i - 1]);
  };
  for (std::size_t start = 0; start < total; ++start) {
    if (start > 0 && start < total - 1 && is_cont(word[start - 1])) continue;
    std::uint64_t h = kFnvOffset64;
    std::size_t i = start;
    for (int n = 1; n <= maxn && i < total; ++n) {
      // consume one code point
      do {
        h ^= static_cast<std::uint8_t>(byte_at(i));
        h *= kFnvPrime64;
        ++i;
      } while (i < total - 1 && i > 0 && is_cont(byte_at(i)));
      if (n >= minn && !(n == 1 && (start == 0 || start == total - 1))) f(h);
    }
  }
}

// All n-grams of exactly N (>= 2) bytes of buf[0, total), by start position.
template <std::size_t N, typename F>
inline void FixedLengthNgrams(const char* buf, std::size_t total, F& f) {
  for (std::size_t start = 0; start + N <= total; ++start) {
    std::uint64_t h = kFnvOffset64;
    for (std::size_t k = 0; k < N; ++k) {
      h ^= static_cast<std::uint8_t>(buf[start + k]);
      h *= kFnvPrime64;
    }
    f(h);
  }
}

}  // namespace detail

// Calls f(uint64_t hash) for every character n-gram (minn <= n <= maxn code points) of
// "<" + word + ">", in order of start position then length; hash = Fnv1a64 of the
// n-gram's UTF-8 bytes (including the '<' / '>' markers where they are part of it).
// n-grams that are only a marker ("<" or ">") are skipped, as in fastText.
// Allocation-free; `word` should be valid UTF-8 (it is, when it comes from the tokenizer).
// Short ASCII words (nearly all of them) take a branch-light path over a stack copy of
// "<word>"; the values are identical to the UTF-8 path's (hashing_test checks both).
template <typename F>
void ForEachCharNgram(std::string_view word, int minn, int maxn, F&& f) {
  if (minn < 1 || maxn < minn) return;
  constexpr std::size_t kFast = 62;
  if (word.size() > kFast || !IsAscii(word)) {
    detail::ForEachCharNgramUtf8(word, minn, maxn, f);
    return;
  }
  char buf[kFast + 2];
  const std::size_t total = word.size() + 2;
  buf[0] = '<';
  for (std::size_t i = 0; i < word.size(); ++i) buf[i + 1] = word[i];
  buf[total - 1] = '>';
  const auto lo = static_cast<std::size_t>(minn), hi = static_cast<std::size_t>(maxn);
  if (lo == hi && lo >= 2 && lo <= 5) {  // one length (the shipped emotion model: 4)
    switch (lo) {
      case 2: detail::FixedLengthNgrams<2>(buf, total, f); return;
      case 3: detail::FixedLengthNgrams<3>(buf, total, f); return;
      case 4: detail::FixedLengthNgrams<4>(buf, total, f); return;
      default: detail::FixedLengthNgrams<5>(buf, total, f); return;
    }
  }
  for (std::size_t start = 0; start < total; ++start) {
    const std::size_t lim = hi < total - start ? hi : total - start;
    std::uint64_t h = kFnvOffset64;
    std::size_t n = 1;
    for (; n < lo && n <= lim; ++n) {  // prefix shorter than minn: hash only
      h ^= static_cast<std::uint8_t>(buf[start + n - 1]);
      h *= kFnvPrime64;
    }
    for (; n <= lim; ++n) {
      h ^= static_cast<std::uint8_t>(buf[start + n - 1]);
      h *= kFnvPrime64;
      if (n == 1 && (start == 0 || start == total - 1)) continue;  // a lone marker
      f(h);
    }
  }
}

}  // namespace sentio::text
