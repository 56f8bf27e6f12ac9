#include "text/tokenizer.h"

#include <gtest/gtest.h>

#include <cctype>
#include <string>
#include <vector>

#include "text/hashing.h"
#include "text/utf8.h"

namespace sentio::text {
namespace {

struct Tok {
  TokenType type;
  std::string text;
  std::uint16_t flags;
};

std::vector<Tok> Toks(std::string_view in, TokenizerOptions o = {}) {
  Tokenizer tk(o);
  TokenizedText out;
  tk.Tokenize(in, out);
  std::vector<Tok> r;
  for (const Token& t : out.tokens) r.push_back({t.type, std::string(out.text(t)), t.flags});
  return r;
}

std::vector<std::string> Texts(std::string_view in) {
  std::vector<std::string> r;
  for (const auto& t : Toks(in)) r.push_back(t.text);
  return r;
}

using V = std::vector<std::string>;

// Deterministic pseudo-random numbers for the generated-input tests.
struct XorShift {
  std::uint64_t state;
  std::uint64_t operator()() {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  }
};

TEST(Tokenizer, EmptyAndWhitespace) {
  EXPECT_TRUE(Toks("").empty());
  EXPECT_TRUE(Toks("   \t\n ").empty());
}

TEST(Tokenizer, BasicWordsAndPunct) {
  EXPECT_EQ(Texts("Hello, World. It's fine"), (V{"hello", ",", "world", ".", "it's", "fine"}));
  EXPECT_EQ(Texts("well-being is - ok"), (V{"well-being", "is", "-", "ok"}));
  const auto t = Toks("Hi there");
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].type, TokenType::kWord);
}

TEST(Tokenizer, UrlsMentionsHashtagsNumbers) {
  const auto t = Toks("@user check https://t.co/abc?x=1, www.example.com #Blessed #2024 42 3.5 1,000 12:30 2nd");
  std::vector<TokenType> types;
  for (const auto& x : t) types.push_back(x.type);
  EXPECT_EQ(Texts("@user check https://t.co/abc?x=1, www.example.com #Blessed #2024 42 3.5 1,000 12:30 2nd"),
            (V{"<user>", "check", "<url>", ",", "<url>", "#blessed", "#2024", "42", "3.5", "1,000", "12:30", "2nd"}));
  EXPECT_EQ(types, (std::vector<TokenType>{TokenType::kMention, TokenType::kWord, TokenType::kUrl, TokenType::kPunct,
                                           TokenType::kUrl, TokenType::kHashtag, TokenType::kHashtag,
                                           TokenType::kNumber, TokenType::kNumber, TokenType::kNumber,
                                           TokenType::kNumber, TokenType::kWord}));
  EXPECT_EQ(Texts("(see http://x.y/z)."), (V{"(", "see", "<url>", ")", "."}));
  EXPECT_EQ(Texts("mail me@x.com"), (V{"mail", "me", "<user>", ".", "com"}));
}

TEST(Tokenizer, SourceOffsetsPointIntoInput) {
  Tokenizer tk;
  TokenizedText out;
  const std::string in = "I &amp; you \xF0\x9F\x98\x80 http://a.b";
  tk.Tokenize(in, out);
  ASSERT_EQ(out.tokens.size(), 5u);
  EXPECT_EQ(in.substr(out.tokens[1].source_offset, out.tokens[1].source_length), "&amp;");
  EXPECT_EQ(out.text(out.tokens[1]), "&");
  EXPECT_EQ(in.substr(out.tokens[3].source_offset, out.tokens[3].source_length), "\xF0\x9F\x98\x80");
  EXPECT_EQ(in.substr(out.tokens[4].source_offset, out.tokens[4].source_length), "http://a.b");
}

TEST(Tokenizer, TokenHashIsTheOptionsHashOfTokenText) {
  // Token::hash is shared by the lexicon and the models' feature hashing: it must be exactly
  // the chosen hash of the token text, for every token type and word path (SIMD, scalar,
  // elongated, non-ASCII, over 16 bytes), on a reused output buffer too. The two hash kinds
  // give the same tokens otherwise (negation included: the negator set is keyed by the hash).
  TokenizerOptions fnv, word;
  word.token_hash = TokenHash::kWord;
  const Tokenizer a(fnv), b(word);
  TokenizedText out, out2;
  for (std::string in : {"I LOVE it soooo much!!! @bob #Happy http://x.y 3.5 :) \xF0\x9F\x98\x82",
                         "Stra\xC3\x9F" "e &amp; don't... \\u2019", "x",
                         "well-being O'NEIL LOOOOVE it's x_y 2nd caf\xC3\xA9 never-ending aaa-bbb",
                         "not good but never bad, nothing without a supercalifragilistic antidisestablishment",
                         "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7 didn't"}) {
    a.Tokenize(in, out);
    ASSERT_FALSE(out.tokens.empty());
    EXPECT_EQ(out.hash, TokenHash::kFnv1a);
    for (const Token& t : out.tokens) EXPECT_EQ(t.hash, Fnv1a64(out.text(t))) << out.text(t);
    b.Tokenize(in, out2);
    EXPECT_EQ(out2.hash, TokenHash::kWord);
    ASSERT_EQ(out2.tokens.size(), out.tokens.size()) << in;
    EXPECT_EQ(out2.norm, out.norm) << in;
    for (std::size_t i = 0; i < out.tokens.size(); ++i) {
      const Token& t = out2.tokens[i];
      EXPECT_EQ(t.hash, WordHash64(out2.text(t))) << out2.text(t);
      EXPECT_EQ(t.flags, out.tokens[i].flags) << out2.text(t);
      EXPECT_EQ(t.type, out.tokens[i].type) << out2.text(t);
    }
  }
}

TEST(Tokenizer, HtmlEntitiesAndUEscapes) {
  EXPECT_EQ(Texts("fish &amp; chips &lt;3 &quot;hi&quot; it&#39;s &#x1F600; &bogus;"),
            (V{"fish", "&", "chips", "<3", "\"", "hi", "\"", "it's", "\xF0\x9F\x98\x80", "&", "bogus", ";"}));
  EXPECT_EQ(Texts("I don\\u2019t \\ud83d\\ude00 \\ud83d alone"),
            (V{"i", "don't", "\xF0\x9F\x98\x80", "\xEF\xBF\xBD", "alone"}));
  EXPECT_EQ(Texts("a\\u00e9b"), (V{"a\xC3\xA9" "b"}));
  TokenizerOptions o;
  o.decode_entities = false;
  o.decode_u_escapes = false;
  EXPECT_EQ(Toks("&amp;", o).size(), 3u);  // "&", "amp", ";"
}

TEST(Tokenizer, EmojiSequences) {
  // ZWJ family, skin tone, flag, keycap, variation selector, two separate emoji.
  const std::string family = "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7";
  const std::string thumbs_dark = "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBF";
  const std::string flag_fr = "\xF0\x9F\x87\xAB\xF0\x9F\x87\xB7";
  const std::string keycap1 = "1\xEF\xB8\x8F\xE2\x83\xA3";
  const std::string heart_vs = "\xE2\x9D\xA4\xEF\xB8\x8F";
  const auto t = Toks(family + " " + thumbs_dark + flag_fr + keycap1 + heart_vs + "\xF0\x9F\x98\x82\xF0\x9F\x98\x82");
  ASSERT_EQ(t.size(), 7u);
  for (const auto& x : t) EXPECT_EQ(x.type, TokenType::kEmoji) << x.text;
  EXPECT_EQ(t[0].text, family);
  EXPECT_EQ(t[1].text, thumbs_dark);
  EXPECT_EQ(t[2].text, flag_fr);
  EXPECT_EQ(t[3].text, "1\xE2\x83\xA3");    // VS16 removed
  EXPECT_EQ(t[4].text, "\xE2\x9D\xA4");     // VS16 removed
  EXPECT_EQ(t[5].text, "\xF0\x9F\x98\x82");
  EXPECT_EQ(t[6].text, "\xF0\x9F\x98\x82");
  EXPECT_EQ(Texts("love\xF0\x9F\x98\x8Dit"), (V{"love", "\xF0\x9F\x98\x8D", "it"}));
}

TEST(Tokenizer, Emoticons) {
  const auto t = Toks(":) :-( :D xD <3 ;) :'( :P </3 :))) great:) ^_^");
  V texts;
  for (const auto& x : t) {
    if (x.text != "great") {
      EXPECT_EQ(x.type, TokenType::kEmoticon) << x.text;
    }
    texts.push_back(x.text);
  }
  EXPECT_EQ(texts.size(), 13u);
  EXPECT_EQ(Texts(":) :-( :D xD <3 ;) :'( :P </3 :)))"),
            (V{":)", ":-(", ":D", "xD", "<3", ";)", ":'(", ":P", "</3", ":)"}));
  EXPECT_TRUE(Toks(":)))")[0].flags & kElongated);
  // Not emoticons: letters after a letter-final emoticon, times, urls.
  EXPECT_EQ(Texts("note:Done 12:30 xDavid"), (V{"note", ":", "done", "12:30", "xdavid"}));
  EXPECT_EQ(Texts("<30"), (V{"<", "30"}));
}

TEST(Tokenizer, Elongation) {
  const auto t = Toks("soooo goooood");
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].text, "soo");
  EXPECT_EQ(t[1].text, "good");
  EXPECT_TRUE(t[0].flags & kElongated);
  EXPECT_TRUE(t[1].flags & kElongated);
  EXPECT_FALSE(Toks("good")[0].flags & kElongated);
  EXPECT_EQ(Toks("1000")[0].text, "1000");  // digits are not elongated
  EXPECT_EQ(Toks("\xD1\x83\xD1\x80\xD0\xB0\xD0\xB0\xD0\xB0\xD0\xB0")[0].text, "\xD1\x83\xD1\x80\xD0\xB0\xD0\xB0");  // урааaa -> ураа
}

TEST(Tokenizer, CapsAndDifferential) {
  Tokenizer tk;
  TokenizedText out;
  tk.Tokenize("I LOVE this", out);
  ASSERT_EQ(out.tokens.size(), 3u);
  EXPECT_FALSE(out.tokens[0].flags & kAllCaps);  // single letter
  EXPECT_TRUE(out.tokens[1].flags & kAllCaps);
  EXPECT_EQ(out.text(out.tokens[1]), "love");
  EXPECT_TRUE(out.any_caps_differential);
  tk.Tokenize("LOVE THIS", out);
  EXPECT_FALSE(out.any_caps_differential);  // all caps: no differential
  tk.Tokenize("love this", out);
  EXPECT_FALSE(out.any_caps_differential);
  tk.Tokenize("\xD0\x9F\xD0\xA0\xD0\x98\xD0\x92\xD0\x95\xD0\xA2 world", out);  // ПРИВЕТ world
  EXPECT_TRUE(out.tokens[0].flags & kAllCaps);
  EXPECT_EQ(out.text(out.tokens[0]), "\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82");
}

TEST(Tokenizer, EmphasisRuns) {
  const auto t = Toks("wow!!!! really?? ok! what?!?");
  V texts;
  for (const auto& x : t) texts.push_back(x.text);
  EXPECT_EQ(texts, (V{"wow", "!!!", "really", "??", "ok", "!", "what", "?", "!", "?"}));
  EXPECT_TRUE(t[1].flags & kEmphasis);
  EXPECT_TRUE(t[3].flags & kEmphasis);
  EXPECT_FALSE(t[5].flags & kEmphasis);
  EXPECT_TRUE(t[7].flags & kEmphasis);
  Tokenizer tk;
  TokenizedText out;
  tk.Tokenize("yes!!!!!", out);
  EXPECT_EQ(out.tokens[1].run, 5u);
  tk.Tokenize("wait.....", out);
  EXPECT_EQ(out.text(out.tokens[1]), "...");
  tk.Tokenize("wait\xE2\x80\xA6", out);  // unicode ellipsis
  EXPECT_EQ(out.text(out.tokens[1]), "...");
}

TEST(Tokenizer, NegationScope) {
  const auto t = Toks("I don't like this movie at all. It is good");
  // i don't like this movie at all . it is good
  ASSERT_EQ(t.size(), 11u);
  EXPECT_TRUE(t[1].flags & kNegator);
  EXPECT_FALSE(t[1].flags & kNegated);
  EXPECT_TRUE(t[2].flags & kNegated);   // like
  EXPECT_TRUE(t[3].flags & kNegated);   // this
  EXPECT_TRUE(t[4].flags & kNegated);   // movie
  EXPECT_FALSE(t[5].flags & kNegated);  // at: window of 3 ended
  EXPECT_FALSE(t[10].flags & kNegated);

  const auto u = Toks("not good, great");
  EXPECT_TRUE(u[1].flags & kNegated);
  EXPECT_FALSE(u[3].flags & kNegated);  // comma ends the scope
  const auto v = Toks("never bad but fun");
  EXPECT_TRUE(v[1].flags & kNegated);
  EXPECT_FALSE(v[3].flags & kNegated);  // "but" ends the scope
  const auto w = Toks("NOT happy. dont cry. cannot wait. no way");
  EXPECT_TRUE(w[1].flags & kNegated);
  EXPECT_TRUE(w[4].flags & kNegated);
  EXPECT_TRUE(w[7].flags & kNegated);
  EXPECT_TRUE(w[10].flags & kNegated);
  TokenizerOptions o;
  o.mark_negation = false;
  EXPECT_FALSE(Toks("not good", o)[1].flags & kNegated);
  for (const char* w : {"aint", "arent", "cannot", "cant", "couldnt", "darent", "didnt", "doesnt", "ain't",
                        "aren't", "can't", "couldn't", "daren't", "didn't", "doesn't", "dont", "hadnt", "hasnt",
                        "havent", "isnt", "mightnt", "mustnt", "neither", "don't", "hadn't", "hasn't", "haven't",
                        "isn't", "mightn't", "mustn't", "neednt", "needn't", "never", "none", "nope", "nor", "not",
                        "nothing", "nowhere", "oughtnt", "shant", "shouldnt", "uhuh", "wasnt", "werent", "oughtn't",
                        "shan't", "shouldn't", "uh-uh", "wasn't", "weren't", "without", "wont", "wouldnt", "won't",
                        "wouldn't", "rarely", "seldom", "despite", "no"}) {
    EXPECT_TRUE(IsNegatorWord(w)) << w;
  }
  for (const char* w : {"nota", "on", "now", "know", "note", "nor'", "didn", "despit", "seldomly", "", "x", "don"}) {
    EXPECT_FALSE(IsNegatorWord(w)) << w;
  }
  EXPECT_TRUE(IsNegatorWord("never"));
  EXPECT_TRUE(IsNegatorWord("shouldn't"));
  EXPECT_FALSE(IsNegatorWord("note"));
  EXPECT_FALSE(IsNegatorWord("n"));
}

// The scanner's negator test (a filter on the hash, then the set; "n't" endings only for
// words with an apostrophe) against IsNegatorWord: words the filter passes without being
// negators ("watch", "morning"), "n't" words outside the list, every path a word can take
// (plain, capitalised, after an entity, elongated, with a non-ASCII letter).
TEST(Tokenizer, ScannerFindsNegatorsAsIsNegatorWordDoes) {
  for (const char* w : {"not", "no", "never", "don't", "won't", "uh-uh", "without", "watch", "morning",
                        "kendrick", "another", "mayn't", "usedn't", "n't", "in", "on", "of", "is", "nope",
                        "nothin", "can", "cant", "wont't", "isn't-it", "rock'n't"}) {
    for (const std::string& in : {std::string("x ") + w, std::string("x ") + w + " &amp; y",
                                 std::string("\\u2019 ") + w, std::string("\xC3\xA9 ") + w}) {
      const auto t = Toks(in);
      ASSERT_GE(t.size(), 2u) << in;
      EXPECT_EQ((t[1].flags & kNegator) != 0, IsNegatorWord(t[1].text)) << in;
      EXPECT_EQ(t[1].text, w) << in;
    }
    std::string caps = w;
    for (char& c : caps) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const auto t = Toks("x " + caps);
    EXPECT_EQ((t[1].flags & kNegator) != 0, IsNegatorWord(w)) << caps;
  }
  EXPECT_TRUE(Toks("x mayn't")[1].flags & kNegator);   // "n't" ending, not in the list
  EXPECT_FALSE(Toks("x watch")[1].flags & kNegator);   // passes the filter, not a negator
  EXPECT_TRUE(Toks("x nooot")[1].flags & kElongated);  // elongated words take the scalar path
}

TEST(Tokenizer, MixedScripts) {
  // CJK ideographs one per token; kana runs stay together; Arabic and Cyrillic words.
  EXPECT_EQ(Texts("\xE6\x88\x91\xE7\x88\xB1\xE4\xBD\xA0"), (V{"\xE6\x88\x91", "\xE7\x88\xB1", "\xE4\xBD\xA0"}));
  EXPECT_EQ(Texts("\xE3\x81\x82\xE3\x82\x8A\xE3\x81\x8C\xE3\x81\xA8\xE3\x81\x86!"),
            (V{"\xE3\x81\x82\xE3\x82\x8A\xE3\x81\x8C\xE3\x81\xA8\xE3\x81\x86", "!"}));
  EXPECT_EQ(Texts("\xD8\xB4\xD9\x83\xD8\xB1\xD8\xA7 \xD0\xA1\xD0\xBF\xD0\xB0\xD1\x81\xD0\xB8\xD0\xB1\xD0\xBE"),
            (V{"\xD8\xB4\xD9\x83\xD8\xB1\xD8\xA7", "\xD1\x81\xD0\xBF\xD0\xB0\xD1\x81\xD0\xB8\xD0\xB1\xD0\xBE"}));
}

TEST(Tokenizer, NfkcAndWidthFolding) {
  EXPECT_EQ(Texts("\xEF\xBC\xA7\xEF\xBD\x8F\xEF\xBD\x8F\xEF\xBD\x84\xEF\xBC\x81"), (V{"good", "!"}));  // Ｇｏｏｄ！
  EXPECT_EQ(Texts("\xF0\x9D\x90\x86\xF0\x9D\x90\xA8\xF0\x9D\x90\xA8\xF0\x9D\x90\x9D"), (V{"good"}));  // math bold
  EXPECT_EQ(Texts("Stra\xC3\x9F" "e"), (V{"strasse"}));
  EXPECT_EQ(Texts("cafe\xCC\x81"), (V{"caf\xC3\xA9"}));  // combining accent composed
  EXPECT_EQ(Texts("\xEF\xAC\x81ne"), (V{"fine"}));     // ligature
  EXPECT_EQ(Texts("a\xC2\xA0" "b\xE2\x80\x8B" "c"), (V{"a", "bc"}));  // nbsp splits, ZWSP dropped
}

TEST(Tokenizer, InvalidUtf8NeverCrashes) {
  const std::string cases[] = {
      "\x80", "abc\xC3", "\xC0\xAF", "\xED\xA0\x80 ok", "\xF4\x90\x80\x80", "\xFF\xFE", "good\x80" "bad",
      std::string("a\0b", 3), "\xE2\x80", "\xF0\x9F\x98",
  };
  Tokenizer tk;
  TokenizedText out;
  for (const auto& c : cases) {
    tk.Tokenize(c, out);
    EXPECT_TRUE(IsValidUtf8(out.norm)) << c;
    for (const Token& t : out.tokens) {
      EXPECT_LE(t.offset + t.length, out.norm.size());
      EXPECT_LE(t.source_offset + t.source_length, c.size());
    }
  }
  tk.Tokenize("ok\xC3 fine", out);
  ASSERT_EQ(out.tokens.size(), 3u);
  EXPECT_EQ(out.text(out.tokens[1]), "\xEF\xBF\xBD");
  EXPECT_EQ(out.text(out.tokens[2]), "fine");
}

TEST(Tokenizer, OneMegabyteLineAndTruncation) {
  std::string big;
  while (big.size() < (1u << 20) + 100) big += "so goooood \xF0\x9F\x98\x80 ";
  Tokenizer tk;
  TokenizedText out;
  tk.Tokenize(big, out);
  EXPECT_GT(out.tokens.size(), 190000u);  // 3 tokens per 16 bytes
  const Token& last = out.tokens.back();
  EXPECT_LE(last.source_offset + last.source_length, 1u << 20);
  EXPECT_TRUE(IsValidUtf8(out.norm));

  TokenizerOptions o;
  o.max_input_bytes = 6;  // cuts inside the emoji: must back off to "ab "
  Tokenizer small(o);
  small.Tokenize("ab \xF0\x9F\x98\x80", out);
  ASSERT_EQ(out.tokens.size(), 1u);
  EXPECT_EQ(out.text(out.tokens[0]), "ab");
}

// Deterministic fuzz: random concatenations of tricky fragments and random bytes must keep
// every invariant (valid UTF-8 output, offsets in range, progress) under ASan/UBSan.
TEST(Tokenizer, FuzzInvariants) {
  const std::string frags[] = {
      "a", "Z", "'", "-", "_", "#", "@", ":", ")", "(", "<", "3", "x", "D", "!", "?", ".", ",", " ", "\t",
      "&", "&#", "&#x", "&amp;", "&#128512;", ";", "\\", "\\u", "\\ud83d", "\\ude00", "\\u00e9", "http://",
      "www.", "\xE2\x80\x8D", "\xEF\xB8\x8F", "\xF0\x9F\x8F\xBB", "\xF0\x9F\x87\xAB", "\xF0\x9F\x98\x80",
      "\xE2\x83\xA3", "\xCC\x81", "\xE4\xB8\xAD", "\xD8\xB4", "\xEF\xBC\xA7", "\xE2\x80\xA6", "\xC3",
      "\x80", "\xFF", "\xED\xA0\x80", "\xF3\xA0\x80\x81", "\xEF\xB7\xBA", "ooo", "n't", "not", "1,", "2.",
  };
  XorShift next{12345};
  Tokenizer tk;
  TokenizedText out;
  for (int iter = 0; iter < 3000; ++iter) {
    std::string in;
    const int parts = static_cast<int>(next() % 40);
    for (int p = 0; p < parts; ++p) {
      if (next() % 8 == 0) in.push_back(static_cast<char>(next() & 0xFF));
      else in += frags[next() % (sizeof(frags) / sizeof(frags[0]))];
    }
    tk.Tokenize(in, out);
    ASSERT_TRUE(IsValidUtf8(out.norm)) << in;
    std::size_t last_src = 0;
    for (const Token& t : out.tokens) {
      ASSERT_GT(t.length, 0u) << in;
      ASSERT_LE(t.offset + t.length, out.norm.size());
      ASSERT_LE(t.source_offset + t.source_length, in.size());
      ASSERT_GE(t.source_offset, last_src) << in;  // tokens come in input order
      last_src = t.source_offset;
    }
  }
}

TEST(Tokenizer, HugeNonAsciiWordAndNfkcExpansion) {
  std::string word;
  while (word.size() < 300000) word += "\xD0\xB4\xD0\xB0";  // "да" repeated, one word
  Tokenizer tk;
  TokenizedText out;
  tk.Tokenize(word, out);
  ASSERT_EQ(out.tokens.size(), 1u);
  EXPECT_EQ(out.text(out.tokens[0]).size(), word.size());
  // U+FDFA (one letter) expands to 18 code points under NFKC; two of them form one word.
  tk.Tokenize("\xEF\xB7\xBA\xEF\xB7\xBA", out);
  ASSERT_EQ(out.tokens.size(), 1u);
  EXPECT_GT(out.norm.size(), 60u);
  EXPECT_TRUE(IsValidUtf8(out.norm));
}

TEST(Tokenizer, BuffersAreReused) {
  Tokenizer tk;
  TokenizedText out;
  tk.Tokenize("a fairly long sentence with quite a few tokens in it, to size the buffers!", out);
  const auto cap_tokens = out.tokens.capacity();
  const auto* data = out.tokens.data();
  tk.Tokenize("short one", out);
  EXPECT_EQ(out.tokens.size(), 2u);
  EXPECT_EQ(out.tokens.capacity(), cap_tokens);
  EXPECT_EQ(out.tokens.data(), data);
}

}  // namespace
}  // namespace sentio::text

namespace sentio::text {
namespace {
TEST(TokenizerDecode, VectorClassesMatchTheTableForEveryAsciiByte) {
  for (int start = 0; start < 128; start += 16) {
    unsigned char in[16];
    std::uint8_t out[16];
    for (int k = 0; k < 16; ++k) in[k] = static_cast<unsigned char>(start + k);
    detail::AsciiClasses16(in, out);
    for (int k = 0; k < 16; ++k) EXPECT_EQ(out[k], detail::AsciiClassScalar(in[k])) << "byte " << start + k;
  }
}

TEST(TokenizerDecode, LongPlainRunsTokenizeAsTheirPieces) {
  // The decoder copies plain ASCII 16 bytes at a time; a run that crosses those blocks, and
  // one broken by an entity or a non-ASCII letter at every offset, must tokenize the same
  // as its words would one by one.
  Tokenizer tok;
  TokenizedText whole, piece;
  const std::string words[] = {"Hello", "WORLD", "it's", "well-being", "soooo", "x_y", "42", "3.5", "!!!", "#Tag", "@user"};
  for (std::size_t shift = 0; shift < 20; ++shift) {
    std::string text(shift, ' ');
    std::vector<std::string> expect;
    for (int r = 0; r < 3; ++r) {
      for (const std::string& w : words) {
        text += w + (r == 1 ? " &amp; " : " ");
        tok.Tokenize(w, piece);
        for (const Token& t : piece.tokens) expect.emplace_back(piece.text(t));
        if (r == 1) expect.emplace_back("&");
      }
    }
    tok.Tokenize(text, whole);
    std::vector<std::string> got;
    for (const Token& t : whole.tokens) got.emplace_back(whole.text(t));
    EXPECT_EQ(got, expect) << "shift " << shift;
    for (const Token& t : whole.tokens) {
      // source offsets index the original text
      ASSERT_LE(t.source_offset + t.source_length, text.size());
    }
  }
}

// Tokens of `a` and `b` are the same (types, texts, flags, hashes, offsets, runs) up to a's
// last one.
void ExpectSameTokens(const TokenizedText& a, const TokenizedText& b, std::size_t extra_in_b, const std::string& text) {
  ASSERT_EQ(b.tokens.size(), a.tokens.size() + extra_in_b) << text;
  EXPECT_EQ(a.any_caps_differential, b.any_caps_differential) << text;
  for (std::size_t k = 0; k < a.tokens.size(); ++k) {
    const Token& x = a.tokens[k];
    const Token& y = b.tokens[k];
    ASSERT_EQ(a.text(x), b.text(y)) << text;
    EXPECT_EQ(x.type, y.type) << text;
    EXPECT_EQ(x.flags, y.flags) << text << " token " << a.text(x);
    EXPECT_EQ(x.hash, y.hash) << text;
    EXPECT_EQ(x.source_offset, y.source_offset) << text;
    EXPECT_EQ(x.source_length, y.source_length) << text;
    EXPECT_EQ(x.run, y.run) << text;
  }
}

TEST(TokenizerDecode, PlainInputScansLikeDecodedInput) {
  // The tokenizer reads an input three ways: scanned in place when there is nothing to decode
  // (words 16 bytes at a time), decoded to ASCII bytes when every entity, escape and non-ASCII
  // character decodes to ASCII (the same word scanner), else decoded to code points for the
  // code-point scanner. Appending " &amp;" sends a plain text the second way, " \u00ab" (a
  // punctuation mark that stays non-ASCII) the third. All must give the same tokens.
  const std::string_view pieces[] = {"a", "o", "O", "oo", "ooo", "Soooo", "GOOOD", "sOoO", "zz", "x", "b",
                                     "'", "-", "_", "7", "42", "3.5", "!", "?", ".", ",", ":)", " ", "  ",
                                     "not", "NOT", "don't", "but", "well-being", "it's", "#", "@u",
                                     "http://x.y", "www.z", "abcdefghijklmno", "ABCDEFGHIJKLMNOPQR", "q"};
  XorShift next{88172645463325252ULL};
  Tokenizer tok;
  Tokenizer keep_case(TokenizerOptions{.lowercase = false});
  TokenizedText plain, mapped, decoded;
  for (int iter = 0; iter < 20000; ++iter) {
    std::string text;
    const std::size_t n = next() % 24;
    for (std::size_t p = 0; p < n; ++p) {
      text += pieces[next() % std::size(pieces)];
      if (next() % 3 == 0) text += ' ';
    }
    for (const Tokenizer* t : {&tok, &keep_case}) {
      t->Tokenize(text, plain);
      t->Tokenize(text + " &amp;", mapped);
      t->Tokenize(text + " \u00ab", decoded);
      ExpectSameTokens(plain, mapped, 1, text);
      ExpectSameTokens(plain, decoded, 1, text);
      EXPECT_EQ(mapped.text(mapped.tokens.back()), "&");
      EXPECT_EQ(decoded.text(decoded.tokens.back()), "\u00ab");
    }
  }
}

TEST(TokenizerDecode, AnEntityIsFoundAtEveryOffsetOfEveryLength) {
  // Where decoding must start is found 16 bytes at a time, the last 1-15 bytes with one
  // overlapping load: an entity at any offset of texts of any length is decoded.
  Tokenizer tok;
  TokenizedText mapped, decoded;
  for (std::size_t len = 0; len <= 48; ++len) {
    for (std::size_t at = 0; at <= len; ++at) {
      std::string text;
      for (std::size_t k = 0; k < len; ++k) text += "ab c"[k % 4];
      text.insert(at, "&amp;");
      tok.Tokenize(text, mapped);
      tok.Tokenize(text + " \u00ab", decoded);
      ExpectSameTokens(mapped, decoded, 1, text);
      std::size_t amps = 0;
      for (const Token& t : mapped.tokens) amps += mapped.text(t) == "&";
      EXPECT_EQ(amps, 1u) << text;
    }
  }
}

TEST(TokenizerDecode, InputDecodingToAsciiScansLikeTheFullDecoder) {
  // Entities, \u escapes, curly quotes, "…", fullwidth letters, Unicode spaces and format
  // characters all decode to ASCII (or nothing): such input is decoded to bytes and scanned
  // by the ASCII scanner. The same input with a trailing character that stays non-ASCII takes
  // the code-point decoder. Tokens, source offsets included, must agree.
  const std::string_view pieces[] = {"don\\u2019t", "it\u2019s", "I\\u002c ", "&amp;", "&lt;3", "&gt;&gt;",
                                     "&#39;", "&quot;", "&#x41;BC", "&nbsp;", "&bogus;", "\\", "\\u00", "&",
                                     "\u2026", "\u2026\u2026", "\uff27\uff4f\uff4f\uff44", "\u00a0", "\u200b",
                                     "Soooo", "GOOD", "not", "well-being", "abcdefghijklmnopq", "42", "!!", "?",
                                     ":)", "#Tag", "@u", "http://x.y/\u2019", " ", "  ", "a", "\u201cq\u201d"};
  XorShift next{0x9e3779b97f4a7c15ULL};
  Tokenizer tok;
  TokenizedText mapped, decoded;
  for (int iter = 0; iter < 20000; ++iter) {
    std::string text;
    const std::size_t n = 1 + next() % 16;
    for (std::size_t p = 0; p < n; ++p) {
      text += pieces[next() % std::size(pieces)];
      if (next() % 3 == 0) text += ' ';
    }
    tok.Tokenize(text, mapped);
    tok.Tokenize(text + " \u00ab", decoded);
    ExpectSameTokens(mapped, decoded, 1, text);
    for (const Token& t : mapped.tokens) ASSERT_LE(t.source_offset + t.source_length, text.size()) << text;
  }
  // Spot checks of what the decoding gives.
  EXPECT_EQ(Texts("don\\u2019t stop&amp;go \u2026 \uff27\uff4f\uff4f\uff44"),
            (V{"don't", "stop", "&", "go", "...", "good"}));
  TokenizedText out;
  tok.Tokenize("I\u2019m &amp; ok", out);
  ASSERT_EQ(out.tokens.size(), 3u);
  EXPECT_EQ(out.text(out.tokens[0]), "i'm");
  EXPECT_EQ(out.tokens[0].source_length, 5u);
  EXPECT_EQ(out.text(out.tokens[1]), "&");
  EXPECT_EQ(out.tokens[1].source_offset, 6u);  // "I’m " is 6 bytes
  EXPECT_EQ(out.tokens[1].source_length, 5u);  // "&amp;"
  EXPECT_EQ(out.tokens[2].source_offset, 12u);
}
}  // namespace
}  // namespace sentio::text
