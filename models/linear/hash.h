// Feature hashing for the linear model, on top of text/hashing.h (the project's stable
// hash functions). A model's hash version (FeatureConfig::hash_version, stored in weights.bin)
// says how its token features are hashed; versions outside [kMinFeatureHashVersion,
// kFeatureHashVersion] are refused at load.
//   version 1: token hash Fnv1a64; NEG_ salt and bigrams by HashCombine; bucket Reduce.
//   version 2: token hash WordHash64; NEG_ salt and bigrams by MumCombine; bucket ReduceMixed
//              (those hashes are already mixed). Char n-grams, flags and lexicon bins are
//              hashed and bucketed as in version 1 by both.
#pragma once

#include <cstdint>
#include <string_view>

#include "text/hashing.h"

namespace sentio::models::linear {

inline constexpr std::uint32_t kFeatureHashVersion = 2;     // what new models are trained with
inline constexpr std::uint32_t kMinFeatureHashVersion = 1;  // the oldest that still loads

using text::HashCombine;
using text::Mix64;

// Hash of a token text, optionally salted (salt 0 = the plain token).
constexpr std::uint64_t HashBytes(std::string_view s, std::uint64_t salt = 0) noexcept {
  const std::uint64_t h = text::Fnv1a64(s);
  return salt == 0 ? h : HashCombine(h, salt);
}

// Maps a well-mixed hash onto [0, n) without a division (Lemire's multiply-shift on its high bits).
inline std::uint32_t ReduceMixed(std::uint64_t h, std::uint32_t n) noexcept {
  return static_cast<std::uint32_t>(((h >> 32) * static_cast<std::uint64_t>(n)) >> 32);
}

// ReduceMixed after Mix64: for any hash (FNV-1a's high bits are poorly mixed).
inline std::uint32_t Reduce(std::uint64_t h, std::uint32_t n) noexcept { return ReduceMixed(Mix64(h), n); }

// The kind of Token::hash a model of hash version `v` is built on.
constexpr text::TokenHash TokenHashFor(std::uint32_t v) noexcept {
  return v >= 2 ? text::TokenHash::kWord : text::TokenHash::kFnv1a;
}

}  // namespace sentio::models::linear
