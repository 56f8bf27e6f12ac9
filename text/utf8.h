// UTF-8 helpers.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace sentio::text {

inline constexpr char32_t kReplacementChar = 0xFFFD;

// True if every byte of `s` is ASCII (< 0x80): the common fast path of the text code.
constexpr bool IsAscii(std::string_view s) noexcept {
  unsigned char any = 0;
  for (char c : s) any |= static_cast<unsigned char>(c);
  return any < 0x80;
}

// True if `s` is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool IsValidUtf8(std::string_view s) noexcept;
// Copy of `s` with every invalid sequence replaced by U+FFFD.
std::string SanitizeUtf8(std::string_view s);

// Decodes one code point from `s` starting at byte `pos` (pos < s.size()).
// Returns the number of bytes consumed (>= 1) and stores the code point in `*cp`.
// Invalid input (bad lead byte, truncated sequence, overlong form, surrogate,
// > U+10FFFF, lone continuation byte) yields U+FFFD and consumes the maximal
// invalid subpart (W3C/Unicode "substitution of maximal subparts" practice), so
// decoding always makes progress and never reads past the end.
std::size_t DecodeUtf8(std::string_view s, std::size_t pos, char32_t* cp) noexcept;

// Appends the UTF-8 encoding of `cp` (invalid code points -> U+FFFD). Returns bytes written.
std::size_t AppendUtf8(std::string& out, char32_t cp);
// Encodes `cp` into `buf` (4 bytes at least); returns the byte count (1..4).
std::size_t EncodeUtf8(char32_t cp, char* buf) noexcept;

// Largest prefix length <= max_bytes that does not cut a UTF-8 sequence in half
// (backs off over continuation bytes; only looks at the bytes, not validity).
std::size_t Utf8TruncationPoint(std::string_view s, std::size_t max_bytes) noexcept;

// Unicode case folding (utf8proc CASEFOLD + compose), as the stores' `q` text filter uses
// it; invalid UTF-8 falls back to ASCII lowercasing.
std::string FoldCase(std::string_view s);

}  // namespace sentio::text
