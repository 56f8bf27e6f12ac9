#include "core/json_writer.h"

#include <algorithm>
#include <cstring>

namespace sentio {

namespace {
constexpr char kHex[] = "0123456789abcdef";

// Length of the valid UTF-8 sequence at s[i], or 0 if invalid.
std::size_t Utf8Len(std::string_view s, std::size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  std::size_t n;
  std::uint32_t cp;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) { n = 2; cp = c & 0x1F; }
  else if (c >= 0xE0 && c <= 0xEF) { n = 3; cp = c & 0x0F; }
  else if (c >= 0xF0 && c <= 0xF4) { n = 4; cp = c & 0x07; }
  else return 0;
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    auto d = static_cast<unsigned char>(s[i + k]);
    if ((d & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (d & 0x3F);
  }
  if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
    return 0;
  return n;
}
}  // namespace

void AppendJsonDouble(std::string& out, double d) {
  if (!(d == d) || d > 1e308 || d < -1e308) {
    out += "null";
    return;
  }
  char buf[64];
  const double a = d < 0 ? -d : d;
  // Shortest round-trip digits; plain decimal notation ("0.0002", not "2e-04") in the
  // range people read, exponent form only for the very small or very large.
  auto r = (a == 0 || (a >= 1e-6 && a < 1e15)) ? std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed)
                                               : std::to_chars(buf, buf + sizeof buf, d);
  out.append(buf, static_cast<std::size_t>(r.ptr - buf));
}

namespace {
// Bytes that go into a JSON string as they are (printable ASCII except '"' and '\\').
constexpr bool IsPlainJsonByte(unsigned char c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }

// The escape of an ASCII byte that is not plain; returns the end.
char* WriteEscape(char* p, unsigned char c) {
  *p++ = '\\';
  switch (c) {
    case '"': *p++ = '"'; break;
    case '\\': *p++ = '\\'; break;
    case '\n': *p++ = 'n'; break;
    case '\r': *p++ = 'r'; break;
    case '\t': *p++ = 't'; break;
    case '\b': *p++ = 'b'; break;
    case '\f': *p++ = 'f'; break;
    default:
      std::memcpy(p, "u00", 3);
      p[3] = kHex[c >> 4];
      p[4] = kHex[c & 15];
      p += 5;
  }
  return p;
}
}  // namespace

char* WriteJsonString(char* p, std::string_view s) {
  *p++ = '"';
  const char* const d = s.data();
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    const auto c = static_cast<unsigned char>(d[i]);
    if (IsPlainJsonByte(c)) [[likely]] {  // byte by byte: most strings here are short
      *p++ = static_cast<char>(c);
      ++i;
      continue;
    }
    if (c >= 0x80) {
      const std::size_t len = Utf8Len(s, i);
      if (len == 0) {
        std::memcpy(p, "\xEF\xBF\xBD", 3);
        p += 3;
        ++i;
      } else {
        std::memcpy(p, d + i, len);
        p += len;
        i += len;
      }
      continue;
    }
    p = WriteEscape(p, c);
    ++i;
  }
  *p++ = '"';
  return p;
}

void AppendJsonString(std::string& out, std::string_view s) {
  // Bounded pieces, so a long string never needs 6x its size of scratch at once.
  constexpr std::size_t kPiece = 1024;
  char buf[6 * kPiece + 8];
  if (s.size() <= kPiece) {
    out.append(buf, static_cast<std::size_t>(WriteJsonString(buf, s) - buf));
    return;
  }
  out += '"';
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t end = std::min(s.size(), i + kPiece);
    while (end < s.size() && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80 && end > i + 1) --end;  // whole code points
    char* p = WriteJsonString(buf, s.substr(i, end - i));
    out.append(buf + 1, static_cast<std::size_t>(p - buf) - 2);  // without its quotes
    i = end;
  }
  out += '"';
}

}  // namespace sentio

#include <boost/json.hpp>

namespace sentio {

namespace {
void Write(std::string& out, const boost::json::value& v);

void WriteArray(std::string& out, const boost::json::array& a) {
  out += '[';
  bool first = true;
  for (const auto& e : a) {
    if (!first) out += ',';
    first = false;
    Write(out, e);
  }
  out += ']';
}

void WriteObject(std::string& out, const boost::json::object& o) {
  out += '{';
  bool first = true;
  for (const auto& kv : o) {
    if (!first) out += ',';
    first = false;
    AppendJsonString(out, std::string_view(kv.key().data(), kv.key().size()));
    out += ':';
    Write(out, kv.value());
  }
  out += '}';
}

void Write(std::string& out, const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null: out += "null"; break;
    case boost::json::kind::bool_: out += v.get_bool() ? "true" : "false"; break;
    case boost::json::kind::int64: {
      char buf[24];
      auto r = std::to_chars(buf, buf + sizeof buf, v.get_int64());
      out.append(buf, static_cast<std::size_t>(r.ptr - buf));
      break;
    }
    case boost::json::kind::uint64: {
      char buf[24];
      auto r = std::to_chars(buf, buf + sizeof buf, v.get_uint64());
      out.append(buf, static_cast<std::size_t>(r.ptr - buf));
      break;
    }
    case boost::json::kind::double_: AppendJsonDouble(out, v.get_double()); break;
    case boost::json::kind::string: {
      const auto& s = v.get_string();
      AppendJsonString(out, std::string_view(s.data(), s.size()));
      break;
    }
    case boost::json::kind::array: WriteArray(out, v.get_array()); break;
    case boost::json::kind::object: WriteObject(out, v.get_object()); break;
  }
}
}  // namespace

std::string ToJson(const boost::json::value& v) {
  std::string out;
  out.reserve(256);
  Write(out, v);
  return out;
}

std::string ToJson(const boost::json::object& o) {
  std::string out;
  out.reserve(256);
  WriteObject(out, o);
  return out;
}

std::string ToJson(const boost::json::array& a) {
  std::string out;
  out.reserve(256);
  WriteArray(out, a);
  return out;
}


}  // namespace sentio
