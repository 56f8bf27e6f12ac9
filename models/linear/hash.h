// Feature hashing for the linear model, on top of text/hashing.h (the project's stable
// hash functions). The bucket of a feature is Reduce(hash, buckets); kFeatureHashVersion
// is stored in weights.bin so a model trained with other hashing is refused at load.
#pragma once

#include <cstdint>
#include <string_view>

#include "text/hashing.h"

namespace sentio::models::linear {

inline constexpr std::uint32_t kFeatureHashVersion = 1;

using text::HashCombine;
using text::Mix64;

// Hash of a token text, optionally salted (salt 0 = the plain token).
constexpr std::uint64_t HashBytes(std::string_view s, std::uint64_t salt = 0) noexcept {
  const std::uint64_t h = text::Fnv1a64(s);
  return salt == 0 ? h : HashCombine(h, salt);
}

// Maps a hash onto [0, n) without a division (Lemire's multiply-shift on mixed high bits).
inline std::uint32_t Reduce(std::uint64_t h, std::uint32_t n) noexcept {
  return static_cast<std::uint32_t>(((Mix64(h) >> 32) * static_cast<std::uint64_t>(n)) >> 32);
}

}  // namespace sentio::models::linear
