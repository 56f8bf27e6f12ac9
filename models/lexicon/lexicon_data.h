// The embedded VADER lexicon and emoji valence table (generated at build time by
// gen_lexicon.js from the pinned npm packages; see CMakeLists.txt).
#pragma once

#include <cstddef>

namespace sentio::models::lexicon_data {

struct LexEntry {
  const char* token;  // UTF-8, as in the source file (VADER tokens are lowercase except a few emoticons)
  float valence;      // VADER scale, about -4..4
};

extern const LexEntry kVaderLexicon[];
extern const std::size_t kVaderLexiconSize;
extern const LexEntry kEmojiTable[];  // emoji (single code point, no variation selector)
extern const std::size_t kEmojiTableSize;

}  // namespace sentio::models::lexicon_data
