// UTF-8 helpers.
#pragma once

#include <string>
#include <string_view>

namespace sentio::text {

// True if `s` is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool IsValidUtf8(std::string_view s) noexcept;
// Copy of `s` with every invalid sequence replaced by U+FFFD.
std::string SanitizeUtf8(std::string_view s);

}  // namespace sentio::text
