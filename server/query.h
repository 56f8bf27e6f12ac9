// Query strings: a pure parser (percent-decoding, '+' as space) and a strict typed reader.
// Unknown parameters -> 400 naming them; values that do not parse or are out of range ->
// 422 naming the parameter. Fuzzed by server/fuzz_query.cc.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "core/types.h"
#include "server/http_error.h"

namespace sentio::server {

using QueryPairs = std::vector<std::pair<std::string, std::string>>;

// Percent-decodes one component ('+' -> ' ' when plus_is_space). Fails on a truncated or
// non-hex escape, on a decoded NUL and on invalid UTF-8 in the result.
Result<std::string> PercentDecode(std::string_view s, bool plus_is_space = true);

// "a=1&b=x+y&c" -> {{"a","1"},{"b","x y"},{"c",""}} in order. Empty pieces ("a=1&&b=2")
// are skipped. Errors: kInvalidArgument with a message naming the bad piece.
Result<QueryPairs> ParseQuery(std::string_view qs);

// Strict reader: declare every accepted parameter, then Finish().
//   QueryReader r(pairs);
//   int limit = 50; r.Int("limit", limit, 1, 1000);
//   std::optional<std::string> src; r.Str("source", src);
//   if (auto err = r.Finish()) return *err;
class QueryReader {
 public:
  explicit QueryReader(const QueryPairs& pairs) : pairs_(pairs), used_(pairs.size(), false) {}

  // Raw value (marks the parameter known). Empty values count as absent.
  std::optional<std::string_view> Get(std::string_view name);

  void Str(std::string_view name, std::optional<std::string>& out, std::size_t max_len = 512);
  void Str(std::string_view name, std::string& out, std::size_t max_len = 512);
  void Int(std::string_view name, int& out, int min, int max);
  void Int64(std::string_view name, std::optional<std::int64_t>& out, std::int64_t min, std::int64_t max);
  void Double(std::string_view name, std::optional<double>& out, double min, double max);
  void Bool(std::string_view name, bool& out);
  // RFC 3339 / date / epoch seconds or millis (core/clock.h parse_time).
  void Time(std::string_view name, std::optional<TimeMs>& out);
  // One of `allowed`.
  void Enum(std::string_view name, std::optional<std::string>& out, std::initializer_list<std::string_view> allowed);
  void Enum(std::string_view name, std::string& out, std::initializer_list<std::string_view> allowed);

  // Records a custom validation failure (422) for `name`.
  void Invalid(std::string_view name, std::string message);

  // nullopt when everything was known and valid; otherwise the first class of error:
  // unknown/duplicate parameters (400, details.unknown / details.duplicate) before invalid
  // values (422, details.parameter + details.errors).
  std::optional<ApiError> Finish() const;

 private:
  const QueryPairs& pairs_;
  std::vector<bool> used_;
  std::vector<std::pair<std::string, std::string>> invalid_;  // name, message
};

}  // namespace sentio::server
