#include "text/utf8.h"

#include <utf8proc.h>

#include <cstdlib>

namespace sentio::text {

std::size_t DecodeUtf8(std::string_view s, std::size_t pos, char32_t* cp) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data()) + pos;
  const std::size_t avail = s.size() - pos;
  const unsigned char b0 = p[0];
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  }
  std::size_t need;
  char32_t c;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    need = 1;
    c = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    need = 2;
    c = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;        // no overlongs
    else if (b0 == 0xED) hi = 0x9F;   // no surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    need = 3;
    c = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;        // no overlongs
    else if (b0 == 0xF4) hi = 0x8F;   // <= U+10FFFF
  } else {
    *cp = kReplacementChar;           // C0, C1, F5..FF, lone continuation
    return 1;
  }
  for (std::size_t k = 1; k <= need; ++k) {
    if (k >= avail) {  // truncated
      *cp = kReplacementChar;
      return k;
    }
    const unsigned char b = p[k];
    const unsigned char l = (k == 1) ? lo : 0x80;
    const unsigned char h = (k == 1) ? hi : 0xBF;
    if (b < l || b > h) {
      *cp = kReplacementChar;
      return k;
    }
    c = (c << 6) | (b & 0x3F);
  }
  *cp = c;
  return need + 1;
}

std::size_t EncodeUtf8(char32_t cp, char* buf) noexcept {
  if (cp >= 0xD800 && cp <= 0xDFFF) cp = kReplacementChar;
  if (cp > 0x10FFFF) cp = kReplacementChar;
  if (cp < 0x80) {
    buf[0] = static_cast<char>(cp);
    return 1;
  }
  if (cp < 0x800) {
    buf[0] = static_cast<char>(0xC0 | (cp >> 6));
    buf[1] = static_cast<char>(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    buf[0] = static_cast<char>(0xE0 | (cp >> 12));
    buf[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    buf[2] = static_cast<char>(0x80 | (cp & 0x3F));
    return 3;
  }
  buf[0] = static_cast<char>(0xF0 | (cp >> 18));
  buf[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
  buf[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  buf[3] = static_cast<char>(0x80 | (cp & 0x3F));
  return 4;
}

std::size_t AppendUtf8(std::string& out, char32_t cp) {
  char buf[4];
  const std::size_t n = EncodeUtf8(cp, buf);
  out.append(buf, n);
  return n;
}

bool IsValidUtf8(std::string_view s) noexcept {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      ++i;
      continue;
    }
    char32_t cp;
    const std::size_t n = DecodeUtf8(s, i, &cp);
    if (cp == kReplacementChar) {
      // A literal U+FFFD (EF BF BD) is valid; a substituted one is not.
      if (!(n == 3 && b == 0xEF)) return false;
    }
    i += n;
  }
  return true;
}

std::string SanitizeUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      out.push_back(static_cast<char>(b));
      ++i;
      continue;
    }
    char32_t cp;
    const std::size_t n = DecodeUtf8(s, i, &cp);
    AppendUtf8(out, cp);
    i += n;
  }
  return out;
}

std::size_t Utf8TruncationPoint(std::string_view s, std::size_t max_bytes) noexcept {
  if (s.size() <= max_bytes) return s.size();
  std::size_t end = max_bytes;
  // Back off at most 3 continuation bytes so we do not split a sequence.
  for (int k = 0; k < 3 && end > 0; ++k) {
    if ((static_cast<unsigned char>(s[end]) & 0xC0) != 0x80) break;
    --end;
  }
  return end;
}

std::string FoldCase(std::string_view s) {
  if (!IsAscii(s)) {
    utf8proc_uint8_t* out = nullptr;
    utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(s.data()),
                                      static_cast<utf8proc_ssize_t>(s.size()), &out,
                                      static_cast<utf8proc_option_t>(UTF8PROC_CASEFOLD |
                                                                     UTF8PROC_COMPOSE |
                                                                     UTF8PROC_STABLE));
    if (n >= 0 && out) {
      std::string r(reinterpret_cast<const char*>(out), static_cast<std::size_t>(n));
      std::free(out);
      return r;
    }
    std::free(out);  // invalid UTF-8: fall back to ASCII folding
  }
  std::string r(s);
  for (char& ch : r) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  return r;
}

}  // namespace sentio::text
