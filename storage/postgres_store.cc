#include "storage/postgres_store.h"

#include <libpq-fe.h>

#include <algorithm>
#include <bit>
#include <cassert>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <charconv>
#include <cstdlib>
#include <map>
#include <set>
#include <thread>
#include <tuple>

#include "core/json_codec.h"
#include "storage/keyset_export.h"
#include "storage/time_buckets.h"
#include "text/utf8.h"

namespace sentio::storage {
namespace {

constexpr TimeMs kFarFuture = 4'102'444'800'000;  // 2100-01-01T00:00:00Z
// Rollup rows whose source / video_id is "all" (same convention as the SQLite store).
constexpr std::string_view kAll = "\x01";

// ------------------------------------------------------------------ migrations

struct PgMigration {
  int version;
  const char* sql;
};

const std::vector<PgMigration>& Migrations() {
  static const std::vector<PgMigration> kAllMigrations = {
      {1, R"sql(
CREATE TABLE posts(
  id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  source       TEXT NOT NULL,
  post_id      TEXT NOT NULL,
  content      TEXT NOT NULL,
  content_fold TEXT NOT NULL,            -- Unicode case-folded content for q= (utf8proc)
  author       TEXT NOT NULL DEFAULT '',
  created_at   BIGINT NOT NULL,          -- ms since epoch
  video_id     TEXT NOT NULL DEFAULT '',
  url          TEXT NOT NULL DEFAULT '',
  meta         TEXT NOT NULL DEFAULT '',
  ingested_at  BIGINT NOT NULL,
  -- The analysis lives in the post's row (NULL sentiment = not analysed yet): one heap
  -- insert per post, and re-analysis is a HOT update (no indexed column changes).
  sentiment          TEXT,
  confidence         DOUBLE PRECISION,
  scores             TEXT,
  emotion            TEXT,
  emotion_confidence DOUBLE PRECISION,
  emotion_scores     TEXT,
  model_name         TEXT,
  model_version      TEXT,
  emotion_model      TEXT,
  analyzed_at        BIGINT,
  UNIQUE(source, post_id));
CREATE INDEX posts_created ON posts(created_at, id);
CREATE INDEX posts_source ON posts(source, created_at, id);
CREATE INDEX posts_video ON posts(video_id, created_at, id);
CREATE INDEX posts_post_id ON posts(post_id);

CREATE TABLE rollups(
  period   SMALLINT NOT NULL,
  source   TEXT NOT NULL,
  video_id TEXT NOT NULL,
  bucket   BIGINT NOT NULL,
  positive BIGINT NOT NULL DEFAULT 0,
  negative BIGINT NOT NULL DEFAULT 0,
  neutral  BIGINT NOT NULL DEFAULT 0,
  conf_sum DOUBLE PRECISION NOT NULL DEFAULT 0,
  PRIMARY KEY(period, source, video_id, bucket));
CREATE TABLE emotion_rollups(
  period   SMALLINT NOT NULL,
  source   TEXT NOT NULL,
  video_id TEXT NOT NULL,
  bucket   BIGINT NOT NULL,
  emotion  TEXT NOT NULL,
  count    BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY(period, source, video_id, bucket, emotion));
CREATE TABLE source_counts(
  source TEXT PRIMARY KEY,
  posts  BIGINT NOT NULL);

CREATE TABLE alert_rules(
  id          TEXT PRIMARY KEY,
  type        TEXT NOT NULL,
  threshold   DOUBLE PRECISION NOT NULL,
  window_s    BIGINT NOT NULL,
  min_posts   BIGINT NOT NULL,
  cooldown_s  BIGINT NOT NULL,
  scope       TEXT NOT NULL,
  scope_value TEXT NOT NULL,
  enabled     BOOLEAN NOT NULL,
  webhook_url TEXT NOT NULL,
  position    INTEGER NOT NULL);
CREATE TABLE alerts(
  id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  rule_id         TEXT NOT NULL,
  alert_type      TEXT NOT NULL,
  threshold_value DOUBLE PRECISION NOT NULL,
  actual_value    DOUBLE PRECISION NOT NULL,
  window_start    BIGINT NOT NULL,
  window_end      BIGINT NOT NULL,
  post_count      BIGINT NOT NULL,
  triggered_at    BIGINT NOT NULL,
  details         TEXT NOT NULL);
CREATE INDEX alerts_time ON alerts(triggered_at, id);
)sql"},
      // One unique index on (post_id, source) serves both the (source, post_id) conflict
      // target (inference ignores column order) and GetPost by post_id alone: every post
      // insert maintains five indexes instead of six. On a big table the build blocks
      // writes for its duration unless the index was built CONCURRENTLY beforehand
      // (docs/DEPLOY.md), hence IF [NOT] EXISTS.
      {2, R"sql(
CREATE UNIQUE INDEX IF NOT EXISTS posts_post_id_source ON posts(post_id, source);
ALTER TABLE posts DROP CONSTRAINT IF EXISTS posts_source_post_id_key;
DROP INDEX IF EXISTS posts_post_id;
)sql"},
      // No query looks a post up by its id alone (id only breaks created_at ties, inside the
      // (.., created_at, id) indexes), so the natural key becomes the primary key and the id
      // index goes: four indexes per post insert instead of five. Both statements only
      // change the catalog (the columns are NOT NULL already): no table rewrite or scan.
      {3, R"sql(
ALTER TABLE posts DROP CONSTRAINT posts_pkey;
ALTER TABLE posts ADD CONSTRAINT posts_pkey PRIMARY KEY USING INDEX posts_post_id_source;
)sql"},
  };
  return kAllMigrations;
}

// ------------------------------------------------------------------ small helpers

// Shortest text that reads back as exactly `d` (float8 input is correctly rounded; "inf",
// "-inf" and "nan" are accepted as well).
std::string DoubleText(double d) {
  char buf[40];
  auto r = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, static_cast<std::size_t>(r.ptr - buf));
}

// One-dimensional PostgreSQL array in the binary wire format (array_recv), sent as a
// binary-format parameter: the server copies each element instead of parsing a quoted text
// literal, which was about a seventh of its CPU per written post. Text elements are checked
// for valid UTF-8 by the server as before (invalid input, a NUL byte included, is an error).
// Big-endian integers, as PostgreSQL's binary formats want them.
inline void AppendBe32(std::string& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xff);
}
inline void AppendBe64(std::string& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xff);
}

class BinaryArray {
 public:
  enum class Elem : std::uint32_t { kInt2 = 21, kInt8 = 20, kText = 25, kFloat8 = 701 };  // type OIDs
  explicit BinaryArray(Elem elem) : elem_(elem) {}

  void Add(std::string_view s) {
    assert(elem_ == Elem::kText);
    Put32(static_cast<std::uint32_t>(s.size()));
    body_.append(s.data(), s.size());
    ++n_;
  }
  void Add(std::int64_t v) {
    assert(elem_ == Elem::kInt8 || elem_ == Elem::kInt2);
    if (elem_ == Elem::kInt2) {
      Put32(2);
      const auto u = static_cast<std::uint16_t>(v);
      body_ += static_cast<char>(u >> 8);
      body_ += static_cast<char>(u & 0xff);
    } else {
      Put32(8);
      Put64(static_cast<std::uint64_t>(v));
    }
    ++n_;
  }
  void Add(double v) {
    assert(elem_ == Elem::kFloat8);
    Put32(8);
    Put64(std::bit_cast<std::uint64_t>(v));
    ++n_;
  }
  void AddNull() {
    Put32(0xffffffffu);  // length -1
    has_null_ = true;
    ++n_;
  }
  // Header (ndim, has-null flag, element type[, length, lower bound]) + elements.
  std::string Done() const {
    std::string out;
    out.reserve(20 + body_.size());
    AppendBe32(out, n_ == 0 ? 0 : 1);
    AppendBe32(out, has_null_ ? 1 : 0);
    AppendBe32(out, static_cast<std::uint32_t>(elem_));
    if (n_ > 0) {
      AppendBe32(out, static_cast<std::uint32_t>(n_));
      AppendBe32(out, 1);
    }
    out += body_;
    return out;
  }

 private:
  void Put32(std::uint32_t v) { AppendBe32(body_, v); }
  void Put64(std::uint64_t v) { AppendBe64(body_, v); }
  Elem elem_;
  std::string body_;
  std::size_t n_ = 0;
  bool has_null_ = false;
};

// Statement parameters (text format unless added as a BinaryArray; nullopt = NULL).
class Params {
 public:
  Params& Add(std::string s) {
    v_.emplace_back(std::move(s));
    binary_.push_back(0);
    return *this;
  }
  Params& Add(std::string_view s) { return Add(std::string(s)); }
  Params& Add(const char* s) { return Add(std::string(s)); }
  Params& Add(std::int64_t v) { return Add(std::to_string(v)); }
  Params& Add(int v) { return Add(std::to_string(v)); }
  Params& Add(double v) { return Add(DoubleText(v)); }
  Params& Add(const BinaryArray& a) {
    v_.emplace_back(a.Done());
    binary_.push_back(1);
    any_binary_ = true;
    return *this;
  }
  Params& AddNull() {
    v_.emplace_back(std::nullopt);
    binary_.push_back(0);
    return *this;
  }
  std::size_t size() const { return v_.size(); }
  std::vector<const char*> Values() const {
    std::vector<const char*> out;
    out.reserve(v_.size());
    for (const auto& v : v_) out.push_back(v ? v->c_str() : nullptr);
    return out;
  }
  // Lengths and formats for PQexecPrepared / PQsendQueryPrepared (null: all text).
  std::vector<int> Lengths() const {
    std::vector<int> out;
    if (!any_binary_) return out;
    out.reserve(v_.size());
    for (const auto& v : v_) out.push_back(v ? static_cast<int>(v->size()) : 0);
    return out;
  }
  const int* Formats() const { return any_binary_ ? binary_.data() : nullptr; }

 private:
  std::vector<std::optional<std::string>> v_;
  std::vector<int> binary_;  // per parameter: 1 = binary format
  bool any_binary_ = false;
};

struct ResDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Res = std::unique_ptr<PGresult, ResDeleter>;

std::string_view Text(const Res& r, int row, int col) {
  return {PQgetvalue(r.get(), row, col), static_cast<std::size_t>(PQgetlength(r.get(), row, col))};
}
bool IsNull(const Res& r, int row, int col) { return PQgetisnull(r.get(), row, col) != 0; }
std::int64_t Int(const Res& r, int row, int col) {
  std::int64_t v = 0;
  auto t = Text(r, row, col);
  std::from_chars(t.data(), t.data() + t.size(), v);
  return v;
}
double Double(const Res& r, int row, int col) {
  auto t = Text(r, row, col);
  return std::strtod(std::string(t).c_str(), nullptr);
}

bool IsRetryable(const Status& s) {
  return s.message().find("[40P01]") != std::string::npos ||
         s.message().find("[40001]") != std::string::npos;
}

bool IsSafeIdentifier(const std::string& s) {
  if (s.empty() || s.size() > 60) return false;
  for (char ch : s)
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_')) return false;
  return !(s[0] >= '0' && s[0] <= '9');
}

void QuietNotices(void*, const char*) {}

}  // namespace

// ------------------------------------------------------------------ connection

class PostgresStore::Conn {
 public:
  explicit Conn(PGconn* pg) : pg_(pg) { PQsetNoticeProcessor(pg_, QuietNotices, nullptr); }
  ~Conn() { PQfinish(pg_); }
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  bool broken() const { return PQstatus(pg_) != CONNECTION_OK; }

  // Simple-protocol execution (several statements allowed, no parameters).
  Status Exec(const std::string& sql) {
    Res r(PQexec(pg_, sql.c_str()));
    return Check(r);
  }
  // Prepared (once per connection) execution with text parameters.
  Result<Res> Query(const std::string& sql, const Params& p) {
    SENTIO_ASSIGN_OR_RETURN(const std::string* name, Prepare(sql, p.size()));
    auto values = p.Values();
    auto lengths = p.Lengths();
    Res r(PQexecPrepared(pg_, name->c_str(), static_cast<int>(values.size()), values.data(),
                         lengths.empty() ? nullptr : lengths.data(), p.Formats(), 0));
    Status st = Check(r);
    if (!st.ok()) return st;
    return r;
  }

  // Sends every statement in one round trip (libpq pipeline mode) and returns their
  // results in order, or the first error. Use inside an explicit transaction.
  struct Stmt {
    const std::string* sql;
    const Params* params;
  };
  Result<std::vector<Res>> Pipeline(const std::vector<Stmt>& stmts) {
    std::vector<const std::string*> names;
    for (const auto& s : stmts) {
      SENTIO_ASSIGN_OR_RETURN(const std::string* name, Prepare(*s.sql, s.params->size()));
      names.push_back(name);
    }
    if (PQenterPipelineMode(pg_) != 1) return Internal("postgres: cannot enter pipeline mode");
    Status first;
    std::size_t sent = 0;
    for (std::size_t i = 0; i < stmts.size(); ++i) {
      auto values = stmts[i].params->Values();
      auto lengths = stmts[i].params->Lengths();
      if (PQsendQueryPrepared(pg_, names[i]->c_str(), static_cast<int>(values.size()),
                              values.data(), lengths.empty() ? nullptr : lengths.data(),
                              stmts[i].params->Formats(), 0) != 1) {
        first = Unavailable(std::string("postgres: ") + PQerrorMessage(pg_));
        break;
      }
      ++sent;
    }
    std::vector<Res> out;
    if (PQpipelineSync(pg_) != 1 && first.ok())
      first = Unavailable(std::string("postgres: ") + PQerrorMessage(pg_));
    for (std::size_t i = 0; i < sent; ++i) {
      Res r(PQgetResult(pg_));
      if (!r) {
        if (first.ok()) first = Unavailable(std::string("postgres: ") + PQerrorMessage(pg_));
        break;
      }
      if (first.ok()) {
        Status st = Check(r);
        if (!st.ok()) first = st;
      }
      out.push_back(std::move(r));
      while (PGresult* extra = PQgetResult(pg_)) PQclear(extra);  // end-of-query NULL
    }
    // The sync point (PGRES_PIPELINE_SYNC); then the connection is idle again.
    while (PGresult* r = PQgetResult(pg_)) {
      bool sync = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
      PQclear(r);
      if (sync) break;
    }
    PQexitPipelineMode(pg_);
    if (!first.ok()) return first;
    return out;
  }

 private:
  Status Check(const Res& r) {
    if (!r) return Unavailable(std::string("postgres: ") + PQerrorMessage(pg_));
    auto s = PQresultStatus(r.get());
    if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK || s == PGRES_EMPTY_QUERY)
      return Status::Ok();
    if (s == PGRES_PIPELINE_ABORTED) return Internal("postgres: pipeline aborted");
    const char* state = PQresultErrorField(r.get(), PG_DIAG_SQLSTATE);
    std::string code = state ? state : "";
    std::string msg = PQresultErrorMessage(r.get());
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    msg = "postgres [" + code + "]: " + msg;
    if (broken() || code.rfind("08", 0) == 0 || code.rfind("57P", 0) == 0) return Unavailable(msg);
    if (code.rfind("22", 0) == 0 || code.rfind("23", 0) == 0) return InvalidArgument(msg);
    if (code == "40P01" || code == "40001") return Unavailable(msg);
    if (code == "53300") return ResourceExhausted(msg);
    return Internal(msg);
  }

  Result<const std::string*> Prepare(const std::string& sql, std::size_t nparams) {
    auto [it, fresh] = prepared_.try_emplace(sql, "");
    if (fresh) {
      std::string name = "s" + std::to_string(prepared_.size());
      Res pr(PQprepare(pg_, name.c_str(), sql.c_str(), static_cast<int>(nparams), nullptr));
      Status st = Check(pr);
      if (!st.ok()) {
        prepared_.erase(it);
        return st;
      }
      it->second = name;
    }
    return &it->second;
  }

  PGconn* pg_;
  std::map<std::string, std::string> prepared_;  // sql -> statement name
};


PostgresStore::PostgresStore(std::string url, PostgresOptions opts)
    : url_(std::move(url)), opts_(std::move(opts)) {
  if (opts_.pool_size == 0) opts_.pool_size = 1;
  if (opts_.export_chunk == 0) opts_.export_chunk = 500;
  auto u = boost::urls::parse_uri(url_);
  if (u) {
    describe_ = std::string(u->scheme()) + "://";
    if (u->has_userinfo()) describe_ += std::string(u->encoded_user()) + "@";
    describe_ += std::string(u->encoded_host_and_port()) + std::string(u->encoded_path());
  } else {
    describe_ = "postgres";
  }
  if (!opts_.schema.empty()) describe_ += " schema=" + opts_.schema;
  pool_ = std::make_unique<Pool>("postgres", opts_.pool_size, opts_.acquire_timeout,
                                 [this] { return Connect(); });
}

PostgresStore::~PostgresStore() = default;

Result<std::unique_ptr<PostgresStore>> PostgresStore::Open(std::string url, PostgresOptions opts) {
  if (url.rfind("postgres://", 0) != 0 && url.rfind("postgresql://", 0) != 0)
    return InvalidArgument("postgres URL must start with postgres:// or postgresql://");
  if (!boost::urls::parse_uri(url)) return InvalidArgument("invalid postgres URL");
  if (!opts.schema.empty() && !IsSafeIdentifier(opts.schema))
    return InvalidArgument("postgres schema must match [a-z_][a-z0-9_]*");
  std::unique_ptr<PostgresStore> s(new PostgresStore(std::move(url), std::move(opts)));
  SENTIO_RETURN_IF_ERROR(s->Migrate());
  return s;
}

Result<std::unique_ptr<PostgresStore::Conn>> PostgresStore::Connect() {
  std::string timeout = std::to_string(std::max(1, opts_.connect_timeout_s));
  std::string options = opts_.schema.empty() ? "" : "-c search_path=" + opts_.schema;
  std::vector<const char*> keys{"dbname", "connect_timeout", "application_name"};
  std::vector<const char*> vals{url_.c_str(), timeout.c_str(), opts_.application_name.c_str()};
  if (!options.empty()) {
    keys.push_back("options");
    vals.push_back(options.c_str());
  }
  keys.push_back(nullptr);
  vals.push_back(nullptr);
  PGconn* pg = PQconnectdbParams(keys.data(), vals.data(), 1);
  if (pg == nullptr) return Unavailable("postgres: out of memory");
  auto c = std::make_unique<Conn>(pg);
  if (PQstatus(pg) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(pg);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    return Unavailable("postgres: cannot connect to " + describe_ + ": " + msg);
  }
  return c;
}

Result<PostgresStore::Lease> PostgresStore::Acquire() { return pool_->Acquire(); }

Status PostgresStore::Run(const std::function<Status(Conn&)>& fn) {
  Status st;
  for (int attempt = 0; attempt < 2; ++attempt) {
    SENTIO_ASSIGN_OR_RETURN(Lease c, Acquire());
    st = fn(*c);
    // A connection that died while idle (server restart) gets one fresh retry.
    if (st.ok() || !c->broken()) return st;
  }
  return st;
}

Status PostgresStore::Tx(const std::function<Status(Conn&)>& fn, bool fn_begins_and_commits) {
  Status st;
  for (int attempt = 0; attempt <= opts_.max_retries; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(2 << std::min(attempt, 8)));
    SENTIO_ASSIGN_OR_RETURN(Lease c, Acquire());
    if (fn_begins_and_commits) {
      st = fn(*c);
    } else {
      st = c->Exec("BEGIN");
      if (st.ok()) {
        st = fn(*c);
        if (st.ok()) st = c->Exec("COMMIT");
      }
    }
    if (st.ok()) return st;
    if (!c->broken() && !c->Exec("ROLLBACK").ok()) c.poison();
    if (c->broken() && attempt == 0) continue;      // stale pooled connection
    if (!IsRetryable(st)) return st;                // deadlock / serialisation: retry
  }
  return st;
}

Status PostgresStore::Migrate() {
  return Tx([&](Conn& c) -> Status {
    std::string lock_key = "sentio-migrate:" + opts_.schema;
    SENTIO_ASSIGN_OR_RETURN(Res r, c.Query("SELECT pg_advisory_xact_lock(hashtext($1))",
                                           Params().Add(lock_key)));
    if (!opts_.schema.empty())
      SENTIO_RETURN_IF_ERROR(c.Exec("CREATE SCHEMA IF NOT EXISTS " + opts_.schema));
    SENTIO_RETURN_IF_ERROR(
        c.Exec("CREATE TABLE IF NOT EXISTS schema_version(version INTEGER PRIMARY KEY, "
               "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"));
    SENTIO_ASSIGN_OR_RETURN(Res v, c.Query("SELECT coalesce(max(version), 0) FROM schema_version",
                                           Params()));
    int current = static_cast<int>(Int(v, 0, 0));
    for (const auto& m : Migrations()) {
      if (m.version <= current) continue;
      SENTIO_RETURN_IF_ERROR(c.Exec(m.sql));
      SENTIO_ASSIGN_OR_RETURN(Res ins, c.Query("INSERT INTO schema_version(version) VALUES($1)",
                                               Params().Add(m.version)));
      current = m.version;
    }
    schema_version_ = current;
    return Status::Ok();
  });
}

std::string PostgresStore::Describe() const { return describe_; }

Status PostgresStore::Ping() {
  return Run([](Conn& c) -> Status {
    SENTIO_ASSIGN_OR_RETURN(Res r, c.Query("SELECT 1", Params()));
    return PQntuples(r.get()) == 1 ? Status::Ok() : Unavailable("postgres did not answer");
  });
}

// ------------------------------------------------------------------ writes

namespace {

struct RollKey {
  int period;
  std::string source, video_id;
  TimeMs bucket;
  auto operator<=>(const RollKey&) const = default;
};
struct RollVal {
  std::int64_t positive = 0, negative = 0, neutral = 0;
  double conf_sum = 0;
};

// Rollup changes of one write. Posts are summed per (source, video, minute) first, one map
// operation each; the 12 rollup rows per minute (3 periods x source/all x video/all) are
// expanded once per batch in Statements().
class RollupDelta {
 public:
  void Add(const std::string& source, const std::string& video_id, TimeMs created_at,
           std::string_view sentiment, double confidence, const std::string* emotion, int sign) {
    Fine& f = fine_[FineKey{source, video_id, FloorTo(created_at, kMinuteMs)}];
    std::int64_t* which = sentiment == "positive"   ? &f.val.positive
                          : sentiment == "negative" ? &f.val.negative
                          : sentiment == "neutral"  ? &f.val.neutral
                                                    : nullptr;
    if (which) {
      *which += sign;
      f.val.conf_sum += sign * confidence;
    }
    if (emotion && !emotion->empty()) f.emo[*emotion] += sign;
  }

  // Upserts in key order (the same order in every transaction: no deadlocks between them),
  // appended to `out` as (sql, params).
  void Statements(std::vector<std::pair<std::string, Params>>& out) const {
    static constexpr std::pair<int, TimeMs> kPeriods[] = {
        {kPeriodMinute, kMinuteMs}, {kPeriodHour, kHourMs}, {kPeriodDay, kDayMs}};
    const std::string all(kAll);
    std::map<RollKey, RollVal> roll;
    std::map<std::pair<RollKey, std::string>, std::int64_t> emo;
    for (const auto& [fk, f] : fine_) {
      for (const auto& [period, unit] : kPeriods) {
        const TimeMs bucket = FloorTo(fk.minute, unit);  // units nest: minute | hour | day
        for (const std::string* src : {&fk.source, &all}) {
          for (const std::string* vid : {&fk.video_id, &all}) {
            RollKey key{period, *src, *vid, bucket};
            RollVal& val = roll[key];
            val.positive += f.val.positive;
            val.negative += f.val.negative;
            val.neutral += f.val.neutral;
            val.conf_sum += f.val.conf_sum;
            for (const auto& [emotion, n] : f.emo) emo[{key, emotion}] += n;
          }
        }
      }
    }
    using E = BinaryArray::Elem;
    BinaryArray per(E::kInt2), src(E::kText), vid(E::kText), bkt(E::kInt8), pos(E::kInt8),
        neg(E::kInt8), neu(E::kInt8), conf(E::kFloat8);
    std::size_t n = 0;
    for (const auto& [k, v] : roll) {
      if (v.positive == 0 && v.negative == 0 && v.neutral == 0 && v.conf_sum == 0) continue;
      per.Add(static_cast<std::int64_t>(k.period));
      src.Add(k.source);
      vid.Add(k.video_id);
      bkt.Add(k.bucket);
      pos.Add(v.positive);
      neg.Add(v.negative);
      neu.Add(v.neutral);
      conf.Add(v.conf_sum);
      ++n;
    }
    if (n > 0) {
      Params ps;
      ps.Add(per).Add(src).Add(vid).Add(bkt).Add(pos)
          .Add(neg).Add(neu).Add(conf);
      out.emplace_back(
          "INSERT INTO rollups(period, source, video_id, bucket, positive, negative, neutral, "
          "conf_sum) SELECT * FROM unnest($1::smallint[], $2::text[], $3::text[], $4::bigint[], "
          "$5::bigint[], $6::bigint[], $7::bigint[], $8::float8[]) "
          "ON CONFLICT (period, source, video_id, bucket) DO UPDATE SET "
          "positive = rollups.positive + excluded.positive, "
          "negative = rollups.negative + excluded.negative, "
          "neutral = rollups.neutral + excluded.neutral, "
          "conf_sum = rollups.conf_sum + excluded.conf_sum",
          std::move(ps));
    }
    BinaryArray eper(E::kInt2), esrc(E::kText), evid(E::kText), ebkt(E::kInt8), eemo(E::kText),
        ecnt(E::kInt8);
    std::size_t m = 0;
    for (const auto& [k, cnt] : emo) {
      if (cnt == 0) continue;
      eper.Add(static_cast<std::int64_t>(k.first.period));
      esrc.Add(k.first.source);
      evid.Add(k.first.video_id);
      ebkt.Add(k.first.bucket);
      eemo.Add(k.second);
      ecnt.Add(cnt);
      ++m;
    }
    if (m > 0) {
      Params ps;
      ps.Add(eper).Add(esrc).Add(evid).Add(ebkt).Add(eemo)
          .Add(ecnt);
      out.emplace_back(
          "INSERT INTO emotion_rollups(period, source, video_id, bucket, emotion, count) "
          "SELECT * FROM unnest($1::smallint[], $2::text[], $3::text[], $4::bigint[], $5::text[], "
          "$6::bigint[]) ON CONFLICT (period, source, video_id, bucket, emotion) DO UPDATE SET "
          "count = emotion_rollups.count + excluded.count",
          std::move(ps));
    }
  }

 private:
  struct FineKey {
    std::string source, video_id;
    TimeMs minute;
    auto operator<=>(const FineKey&) const = default;
  };
  struct Fine {
    RollVal val;
    std::map<std::string, std::int64_t> emo;
  };
  std::map<FineKey, Fine> fine_;
};

struct Unique {
  const Post* post;          // first occurrence wins
  const Analysis* analysis;  // last occurrence wins
};

// The analysis columns of posts as binary arrays, in the order the insert and the update
// statements take them: sentiment, confidence, scores, emotion, emotion_confidence,
// emotion_scores, model_name, model_version, emotion_model, analyzed_at.
struct AnalysisColumns {
  using E = BinaryArray::Elem;
  BinaryArray sent{E::kText}, conf{E::kFloat8}, scores{E::kText}, emo{E::kText}, emo_conf{E::kFloat8},
      emo_scores{E::kText}, model_name{E::kText}, model_version{E::kText}, emo_model{E::kText},
      analyzed_at{E::kInt8};

  void Add(const Analysis& a) {
    sent.Add(a.sentiment.label);
    conf.Add(static_cast<double>(a.sentiment.score));
    scores.Add(ScoresToJsonText(a.sentiment.scores));
    const auto [name, version] = SplitModelVersion(a.sentiment.model_version);
    model_name.Add(name);
    model_version.Add(version);
    if (!a.emotion.label.empty()) {
      emo.Add(a.emotion.label);
      emo_conf.Add(static_cast<double>(a.emotion.score));
      emo_scores.Add(ScoresToJsonText(a.emotion.scores));
      emo_model.Add(a.emotion.model_version);
    } else {
      emo.AddNull();
      emo_conf.AddNull();
      emo_scores.AddNull();
      emo_model.AddNull();
    }
    analyzed_at.Add(a.analyzed_at);
  }
  void AppendTo(Params& p) const {
    p.Add(sent).Add(conf).Add(scores).Add(emo).Add(emo_conf).Add(emo_scores).Add(model_name)
        .Add(model_version).Add(emo_model).Add(analyzed_at);
  }
};

}  // namespace

Status PostgresStore::WriteResults(std::span<const ResultRow> rows) {
  if (rows.empty()) return Status::Ok();
  std::vector<Unique> uniq;
  std::map<std::pair<std::string_view, std::string_view>, std::size_t> index;
  for (const auto& r : rows) {
    if (r.post.source.empty()) return InvalidArgument("post has no source");
    if (r.post.post_id.empty()) return InvalidArgument("post has no post_id");
    if (r.analysis.sentiment.label.empty()) return InvalidArgument("analysis without a sentiment label");
    auto [it, fresh] = index.try_emplace({r.post.source, r.post.post_id}, uniq.size());
    if (fresh) uniq.push_back({&r.post, &r.analysis});
    else uniq[it->second].analysis = &r.analysis;
  }
  // Serialise everything outside the transaction.
  using E = BinaryArray::Elem;
  BinaryArray src(E::kText), pid(E::kText), content(E::kText), fold(E::kText), author(E::kText),
      created(E::kInt8), video(E::kText), url(E::kText), meta(E::kText), ingested(E::kInt8);
  AnalysisColumns analyses;
  for (const auto& u : uniq) {
    const Post& p = *u.post;
    src.Add(p.source);
    pid.Add(p.post_id);
    content.Add(p.content);
    fold.Add(text::FoldCase(p.content));
    author.Add(p.author);
    created.Add(p.created_at);
    video.Add(p.video_id);
    url.Add(p.url);
    meta.Add(p.meta_json);
    ingested.Add(p.ingested_at);
    analyses.Add(*u.analysis);
  }
  Params insert;
  insert.Add(src).Add(pid).Add(content).Add(fold).Add(author)
      .Add(created).Add(video).Add(url).Add(meta).Add(ingested);
  analyses.AppendTo(insert);

  static const std::string kBegin = "BEGIN", kCommit = "COMMIT";
  // New posts, in batch order (ids grow in arrival order, like SQLite rowids), with their
  // analyses. Posts that already exist are left alone here (first write wins on the post
  // fields) and are not returned: their analyses are replaced below.
  static const std::string kInsert =
      "INSERT INTO posts(source, post_id, content, content_fold, author, created_at, "
      "video_id, url, meta, ingested_at, sentiment, confidence, scores, emotion, "
      "emotion_confidence, emotion_scores, model_name, model_version, emotion_model, "
      "analyzed_at) SELECT s, pid, c, cf, a, t, v, u, m, g, se, co, sc, em, ec, es, mn, "
      "mv, emd, at FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], "
      "$5::text[], $6::bigint[], $7::text[], $8::text[], $9::text[], $10::bigint[], "
      "$11::text[], $12::float8[], $13::text[], $14::text[], $15::float8[], $16::text[], "
      "$17::text[], $18::text[], $19::text[], $20::bigint[]) WITH ORDINALITY "
      "AS x(s, pid, c, cf, a, t, v, u, m, g, se, co, sc, em, ec, es, mn, mv, emd, at, ord) "
      "ORDER BY ord ON CONFLICT (source, post_id) DO NOTHING "
      "RETURNING source, post_id, created_at, video_id";
  // Posts that existed: lock them (id order) and read their current analysis, so a
  // concurrent re-write of the same post waits here and the rollup delta is exact...
  static const std::string kLock =
      "SELECT p.source, p.post_id, p.sentiment, p.confidence, p.emotion, p.created_at, "
      "p.video_id FROM posts p JOIN unnest($1::text[], $2::text[]) AS k(s, pid) "
      "ON p.source = k.s AND p.post_id = k.pid ORDER BY p.id FOR UPDATE OF p";
  // ...then replace their analyses (a HOT update: no indexed column changes).
  static const std::string kUpdate =
      "UPDATE posts p SET sentiment = x.se, confidence = x.co, scores = x.sc, emotion = x.em, "
      "emotion_confidence = x.ec, emotion_scores = x.es, model_name = x.mn, "
      "model_version = x.mv, emotion_model = x.emd, analyzed_at = x.at "
      "FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::text[], $6::text[], "
      "$7::float8[], $8::text[], $9::text[], $10::text[], $11::text[], $12::bigint[]) "
      "AS x(s, pid, se, co, sc, em, ec, es, mn, mv, emd, at) "
      "WHERE p.source = x.s AND p.post_id = x.pid";
  static const Params kNone;

  // Two round trips per batch of new posts (pipeline mode): BEGIN + insert, then the
  // rollups + per-source counts + COMMIT. Re-written posts (redelivery, re-analysis) add
  // one: lock + read + update.
  return Tx([&](Conn& c) -> Status {
    SENTIO_ASSIGN_OR_RETURN(std::vector<Res> first,
                            c.Pipeline({{&kBegin, &kNone}, {&kInsert, &insert}}));
    const Res& ins = first[1];
    RollupDelta delta;
    std::map<std::string, std::int64_t> new_per_source;
    std::vector<bool> inserted(uniq.size(), false);
    auto analysis_of = [&](std::string_view source, std::string_view post_id) -> const Analysis& {
      return *uniq[index.at({source, post_id})].analysis;
    };
    for (int i = 0; i < PQntuples(ins.get()); ++i) {
      std::string_view source = Text(ins, i, 0), post_id = Text(ins, i, 1);
      auto it = index.find({source, post_id});
      if (it == index.end()) return Internal("postgres: insert returned an unknown post");
      inserted[it->second] = true;
      new_per_source[std::string(source)]++;
      const Analysis& a = *uniq[it->second].analysis;
      delta.Add(std::string(source), std::string(Text(ins, i, 3)), Int(ins, i, 2), a.sentiment.label,
                static_cast<double>(a.sentiment.score),
                a.emotion.label.empty() ? nullptr : &a.emotion.label, +1);
    }
    if (static_cast<std::size_t>(PQntuples(ins.get())) < uniq.size()) {
      // Rows that were there already (committed: the insert waited for any concurrent
      // inserter of the same key to finish).
      BinaryArray es(E::kText), ep(E::kText);
      AnalysisColumns existing;
      for (std::size_t k = 0; k < uniq.size(); ++k) {
        if (inserted[k]) continue;
        es.Add(uniq[k].post->source);
        ep.Add(uniq[k].post->post_id);
        existing.Add(*uniq[k].analysis);
      }
      Params keys;
      keys.Add(es).Add(ep);
      Params update;
      update.Add(es).Add(ep);
      existing.AppendTo(update);
      SENTIO_ASSIGN_OR_RETURN(std::vector<Res> second,
                              c.Pipeline({{&kLock, &keys}, {&kUpdate, &update}}));
      const Res& locked = second[0];
      const std::size_t expected = uniq.size() - static_cast<std::size_t>(PQntuples(ins.get()));
      // Defensive: a row that vanished between the statements (nothing deletes posts).
      if (static_cast<std::size_t>(PQntuples(locked.get())) != expected)
        return Unavailable("postgres [40001]: existing posts changed under the write, retry");
      for (int i = 0; i < PQntuples(locked.get()); ++i) {
        std::string source(Text(locked, i, 0));
        std::string video_id(Text(locked, i, 6));
        const TimeMs created_at = Int(locked, i, 5);
        if (!IsNull(locked, i, 2)) {
          std::optional<std::string> old_emotion;
          if (!IsNull(locked, i, 4)) old_emotion = std::string(Text(locked, i, 4));
          delta.Add(source, video_id, created_at, Text(locked, i, 2), Double(locked, i, 3),
                    old_emotion ? &*old_emotion : nullptr, -1);
        }
        const Analysis& a = analysis_of(source, Text(locked, i, 1));
        delta.Add(source, video_id, created_at, a.sentiment.label,
                  static_cast<double>(a.sentiment.score),
                  a.emotion.label.empty() ? nullptr : &a.emotion.label, +1);
      }
    }

    std::vector<std::pair<std::string, Params>> rest;
    delta.Statements(rest);
    if (!new_per_source.empty()) {
      BinaryArray cs(E::kText), cn(E::kInt8);
      for (const auto& [s, n] : new_per_source) {
        cs.Add(s);
        cn.Add(n);
      }
      Params ps;
      ps.Add(cs).Add(cn);
      rest.emplace_back("INSERT INTO source_counts(source, posts) SELECT * FROM "
                        "unnest($1::text[], $2::bigint[]) ON CONFLICT (source) DO UPDATE SET "
                        "posts = source_counts.posts + excluded.posts",
                        std::move(ps));
    }
    std::vector<Conn::Stmt> second;
    for (const auto& [sql, ps] : rest) second.push_back({&sql, &ps});
    second.push_back({&kCommit, &kNone});
    auto done = c.Pipeline(second);
    return done.status();
  }, /*fn_begins_and_commits=*/true);
}

// ------------------------------------------------------------------ reads

namespace {

constexpr const char* kRecordColumns =
    "p.id, p.source, p.post_id, p.content, p.author, p.created_at, p.video_id, p.url, p.meta, "
    "p.ingested_at, p.sentiment, p.confidence, p.scores, p.emotion, p.emotion_confidence, "
    "p.emotion_scores, p.model_name, p.model_version, p.emotion_model, p.analyzed_at";

PostRecord DecodeRecord(const Res& r, int row) {
  PostRecord out;
  out.id = Int(r, row, 0);
  Post& p = out.post;
  p.source = Text(r, row, 1);
  p.post_id = Text(r, row, 2);
  p.content = Text(r, row, 3);
  p.author = Text(r, row, 4);
  p.created_at = Int(r, row, 5);
  p.video_id = Text(r, row, 6);
  p.url = Text(r, row, 7);
  p.meta_json = Text(r, row, 8);
  p.ingested_at = Int(r, row, 9);
  out.analysed = !IsNull(r, row, 10);
  if (out.analysed) {
    Analysis& a = out.analysis;
    a.sentiment.label = Text(r, row, 10);
    a.sentiment.score = static_cast<float>(Double(r, row, 11));
    a.sentiment.scores = ScoresFromJsonText(Text(r, row, 12));
    std::string name(Text(r, row, 16)), version(Text(r, row, 17));
    a.sentiment.model_version = version.empty() ? name : name + "@" + version;
    if (!IsNull(r, row, 13)) {
      a.emotion.label = Text(r, row, 13);
      a.emotion.score = static_cast<float>(Double(r, row, 14));
      a.emotion.scores = ScoresFromJsonText(Text(r, row, 15));
      a.emotion.model_version = Text(r, row, 18);
    }
    a.analyzed_at = Int(r, row, 19);
  }
  return out;
}

struct Where {
  std::string sql;  // " WHERE ..." or ""
  Params params;
  int next = 1;     // next $n
  bool needs_analysis = false;
};

Where BuildWhere(const PostFilter& f) {
  Where w;
  std::vector<std::string> conds;
  auto add = [&](const std::string& expr, std::string value) {
    conds.push_back(expr + "$" + std::to_string(w.next++));
    w.params.Add(std::move(value));
  };
  if (f.source) add("p.source = ", *f.source);
  if (f.video_id) add("p.video_id = ", *f.video_id);
  if (f.start) add("p.created_at >= ", std::to_string(*f.start));
  if (f.end) add("p.created_at < ", std::to_string(*f.end));
  if (f.q) {
    conds.push_back("strpos(p.content_fold, $" + std::to_string(w.next++) + ") > 0");
    w.params.Add(text::FoldCase(*f.q));
  }
  if (f.sentiment) {
    add("p.sentiment = ", *f.sentiment);
    w.needs_analysis = true;
  }
  if (f.emotion) {
    add("p.emotion = ", *f.emotion);
    w.needs_analysis = true;
  }
  if (f.analysed_only) w.needs_analysis = true;
  if (w.needs_analysis && !f.sentiment) conds.push_back("p.sentiment IS NOT NULL");
  for (std::size_t i = 0; i < conds.size(); ++i) w.sql += (i == 0 ? " WHERE " : " AND ") + conds[i];
  return w;
}

// Records matching `w`, newest first, with an optional keyset bound; parameters after the
// filter's: [cursor created_at, cursor id,] limit [, offset].
std::string RecordQuery(const Where& w, bool with_cursor, bool with_offset) {
  int n = w.next;
  std::string sql = std::string("SELECT ") + kRecordColumns + " FROM posts p" + w.sql;
  if (with_cursor) {
    sql += (w.sql.empty() ? " WHERE " : " AND ") + std::string("(p.created_at, p.id) < ($") +
           std::to_string(n) + "::bigint, $" + std::to_string(n + 1) + "::bigint)";
    n += 2;
  }
  sql += " ORDER BY p.created_at DESC, p.id DESC LIMIT $" + std::to_string(n++);
  if (with_offset) sql += " OFFSET $" + std::to_string(n++);
  return sql;
}

// Exact label / emotion counts of analysed posts with created_at in [lo, hi): sub-minute
// edges from posts, the rest from minute, hour and day rollups (O(edge buckets)).
Status CountRange(PostgresStore::Conn& c, TimeMs lo, TimeMs hi,
                  const std::optional<std::string>& source,
                  const std::optional<std::string>& video_id, Distribution& d) {
  if (lo >= hi) return Status::Ok();
  const std::string src = source ? *source : std::string(kAll);
  const std::string vid = video_id ? *video_id : std::string(kAll);
  auto count_label = [&d](std::string_view label, std::int64_t n) {
    if (label == "positive") d.positive += n;
    else if (label == "negative") d.negative += n;
    else if (label == "neutral") d.neutral += n;
  };
  auto scan_posts = [&](TimeMs a, TimeMs b) -> Status {
    if (a >= b) return Status::Ok();
    std::string sql =
        "SELECT p.sentiment, p.emotion, count(*) FROM posts p "
        "WHERE p.sentiment IS NOT NULL AND p.created_at >= $1 AND p.created_at < $2";
    Params ps;
    ps.Add(a).Add(b);
    if (source) {
      sql += " AND p.source = $" + std::to_string(ps.size() + 1);
      ps.Add(*source);
    }
    if (video_id) {
      sql += " AND p.video_id = $" + std::to_string(ps.size() + 1);
      ps.Add(*video_id);
    }
    sql += " GROUP BY 1, 2";
    SENTIO_ASSIGN_OR_RETURN(Res r, c.Query(sql, ps));
    for (int i = 0; i < PQntuples(r.get()); ++i) {
      std::int64_t n = Int(r, i, 2);
      count_label(Text(r, i, 0), n);
      if (!IsNull(r, i, 1)) d.emotions[std::string(Text(r, i, 1))] += n;
    }
    return Status::Ok();
  };
  auto rollup = [&](int period, TimeMs a, TimeMs b) -> Status {
    if (a >= b) return Status::Ok();
    Params ps;
    ps.Add(period).Add(src).Add(vid).Add(a).Add(b);
    SENTIO_ASSIGN_OR_RETURN(
        Res r, c.Query("SELECT coalesce(sum(positive),0), coalesce(sum(negative),0), "
                       "coalesce(sum(neutral),0) FROM rollups WHERE period = $1 AND source = $2 "
                       "AND video_id = $3 AND bucket >= $4 AND bucket < $5",
                       ps));
    if (PQntuples(r.get()) == 1) {
      d.positive += Int(r, 0, 0);
      d.negative += Int(r, 0, 1);
      d.neutral += Int(r, 0, 2);
    }
    SENTIO_ASSIGN_OR_RETURN(
        Res e, c.Query("SELECT emotion, sum(count) FROM emotion_rollups WHERE period = $1 AND "
                       "source = $2 AND video_id = $3 AND bucket >= $4 AND bucket < $5 "
                       "GROUP BY emotion",
                       ps));
    for (int i = 0; i < PQntuples(e.get()); ++i) d.emotions[std::string(Text(e, i, 0))] += Int(e, i, 1);
    return Status::Ok();
  };
  return CoverRange(lo, hi, scan_posts, rollup);
}

}  // namespace

Result<PostPage> PostgresStore::ListPosts(const PostFilter& f, const PageRequest& page) {
  if (page.limit <= 0) return InvalidArgument("limit must be positive");
  if (page.offset < 0) return InvalidArgument("offset must not be negative");
  TimeMs cur_t = 0;
  std::int64_t cur_id = 0;
  const bool with_cursor = !page.cursor.empty();
  if (with_cursor && !DecodeCursor(page.cursor, cur_t, cur_id))
    return Status(Code::kUnprocessable, "invalid cursor");
  const Where w = BuildWhere(f);
  PostPage out;
  Status st = Run([&](Conn& c) -> Status {
    out = PostPage{};
    // Total: a label filter (sentiment XOR emotion) with only source / video / time bounds
    // is answered exactly from the rollups; unfiltered from the per-source counters; else
    // a count with the same filter.
    const bool by_rollups = !f.q && (f.sentiment.has_value() != f.emotion.has_value()) &&
                            (!f.sentiment || *f.sentiment == "positive" ||
                             *f.sentiment == "negative" || *f.sentiment == "neutral");
    if (by_rollups) {
      Distribution d;
      SENTIO_RETURN_IF_ERROR(CountRange(c, f.start ? *f.start : -kFarFuture,
                                        f.end ? *f.end : kFarFuture, f.source, f.video_id, d));
      if (f.sentiment)
        out.total = *f.sentiment == "positive"   ? d.positive
                    : *f.sentiment == "negative" ? d.negative
                                                 : d.neutral;
      else
        out.total = d.emotions[*f.emotion];
    } else if (w.sql.empty() && !w.needs_analysis) {
      SENTIO_ASSIGN_OR_RETURN(Res r, c.Query("SELECT coalesce(sum(posts), 0) FROM source_counts", Params()));
      out.total = Int(r, 0, 0);
    } else if (!w.needs_analysis && f.source && !f.video_id && !f.start && !f.end && !f.q) {
      SENTIO_ASSIGN_OR_RETURN(
          Res r, c.Query("SELECT coalesce(sum(posts), 0) FROM source_counts WHERE source = $1",
                         Params().Add(*f.source)));
      out.total = Int(r, 0, 0);
    } else {
      std::string sql = "SELECT count(*) FROM posts p" + w.sql;
      SENTIO_ASSIGN_OR_RETURN(Res r, c.Query(sql, w.params));
      out.total = Int(r, 0, 0);
    }
    Params ps = w.params;
    if (with_cursor) ps.Add(cur_t).Add(cur_id);
    ps.Add(static_cast<std::int64_t>(page.limit) + 1);
    if (!with_cursor) ps.Add(static_cast<std::int64_t>(page.offset));
    SENTIO_ASSIGN_OR_RETURN(Res r, c.Query(RecordQuery(w, with_cursor, !with_cursor), ps));
    for (int i = 0; i < PQntuples(r.get()); ++i) out.posts.push_back(DecodeRecord(r, i));
    return Status::Ok();
  });
  if (!st.ok()) return st;
  if (out.posts.size() > static_cast<std::size_t>(page.limit)) {
    out.posts.resize(static_cast<std::size_t>(page.limit));
    const PostRecord& last = out.posts.back();
    out.next_cursor = EncodeCursor(last.post.created_at, last.id);
  }
  return out;
}

Result<std::optional<PostRecord>> PostgresStore::GetPost(std::string_view post_id,
                                                         std::optional<std::string_view> source) {
  std::optional<PostRecord> out;
  Status st = Run([&](Conn& c) -> Status {
    Params ps;
    ps.Add(post_id);
    if (source) ps.Add(*source);
    std::string sql = std::string("SELECT ") + kRecordColumns +
                      " FROM posts p WHERE p.post_id = $1" +
                      (source ? " AND p.source = $2" : "") + " ORDER BY p.id LIMIT 1";
    SENTIO_ASSIGN_OR_RETURN(Res r, c.Query(sql, ps));
    if (PQntuples(r.get()) > 0) out = DecodeRecord(r, 0);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Status PostgresStore::ExportPosts(const PostFilter& f,
                                  const std::function<bool(std::span<const PostRecord>)>& sink) {
  const Where w = BuildWhere(f);
  // One short query per chunk: a slow consumer never holds a connection or snapshot.
  auto fetch = [&](const ExportCursor& cur, std::vector<PostRecord>& chunk) -> Status {
    return Run([&](Conn& c) -> Status {
      chunk.clear();
      Params ps = w.params;
      if (cur.valid) ps.Add(cur.created_at).Add(cur.id);
      ps.Add(static_cast<std::int64_t>(opts_.export_chunk));
      SENTIO_ASSIGN_OR_RETURN(Res r, c.Query(RecordQuery(w, cur.valid, false), ps));
      for (int i = 0; i < PQntuples(r.get()); ++i) chunk.push_back(DecodeRecord(r, i));
      return Status::Ok();
    });
  };
  return ExportByKeyset(opts_.export_chunk, fetch, sink);
}

Result<std::vector<Bucket>> PostgresStore::Aggregate(const AggregateQuery& q) {
  std::vector<Bucket> out;
  SENTIO_ASSIGN_OR_RETURN(const BucketRange range, ComputeBucketRange(q.start, q.end, q.period));
  if (range.count == 0) return out;
  const TimeMs first = range.first, unit = range.unit;
  Status st = Run([&](Conn& c) -> Status {
    out.clear();
    Params ps;
    ps.Add(first).Add(q.end).Add(unit).Add(PeriodCode(q.period))
        .Add(q.source ? *q.source : std::string(kAll)).Add(q.video_id ? *q.video_id : std::string(kAll));
    SENTIO_ASSIGN_OR_RETURN(
        Res r, c.Query("SELECT g.b, coalesce(r.positive, 0), coalesce(r.negative, 0), "
                       "coalesce(r.neutral, 0), coalesce(r.conf_sum, 0) "
                       "FROM generate_series($1::bigint, $2::bigint - 1, $3::bigint) AS g(b) "
                       "LEFT JOIN rollups r ON r.period = $4::smallint AND r.source = $5 AND "
                       "r.video_id = $6 AND r.bucket = g.b ORDER BY g.b",
                       ps));
    out.reserve(static_cast<std::size_t>(PQntuples(r.get())));
    for (int i = 0; i < PQntuples(r.get()); ++i) {
      Bucket b;
      b.timestamp = Int(r, i, 0);
      b.positive = Int(r, i, 1);
      b.negative = Int(r, i, 2);
      b.neutral = Int(r, i, 3);
      b.confidence_sum = Double(r, i, 4);
      out.push_back(b);
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Result<Distribution> PostgresStore::GetDistribution(TimeMs since, std::optional<std::string> source,
                                                    std::optional<std::string> video_id) {
  Distribution d;
  Status st = Run([&](Conn& c) {
    d = Distribution{};
    return CountRange(c, since, std::max(kFarFuture, since), source, video_id, d);
  });
  if (!st.ok()) return st;
  std::erase_if(d.emotions, [](const auto& kv) { return kv.second == 0; });
  return d;
}

Result<Stats> PostgresStore::GetStats(TimeMs now) {
  Stats s;
  Status st = Run([&](Conn& c) -> Status {
    s = Stats{};
    SENTIO_ASSIGN_OR_RETURN(Res src, c.Query("SELECT source, posts FROM source_counts", Params()));
    for (int i = 0; i < PQntuples(src.get()); ++i) {
      s.by_source[std::string(Text(src, i, 0))] = Int(src, i, 1);
      s.total_posts += Int(src, i, 1);
    }
    // Never a scan of posts (at millions of rows a count(*) takes seconds): every post in
    // this store arrives with its analysis (WriteResults writes both, and an analysis is
    // only ever replaced), so analysed == stored; the last hour comes from the rollups plus
    // the sub-minute edge, like GetDistribution.
    s.total_analyses = s.total_posts;
    Distribution recent;
    SENTIO_RETURN_IF_ERROR(CountRange(c, now - kHourMs, std::max(kFarFuture, now), std::nullopt,
                                      std::nullopt, recent));
    s.recent_posts_1h = recent.positive + recent.negative + recent.neutral;
    SENTIO_ASSIGN_OR_RETURN(
        Res lab, c.Query("SELECT coalesce(sum(positive),0), coalesce(sum(negative),0), "
                         "coalesce(sum(neutral),0) FROM rollups WHERE period = $1 AND "
                         "source = $2 AND video_id = $2",
                         Params().Add(kPeriodDay).Add(std::string(kAll))));
    s.by_label["positive"] = Int(lab, 0, 0);
    s.by_label["negative"] = Int(lab, 0, 1);
    s.by_label["neutral"] = Int(lab, 0, 2);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return s;
}

// ------------------------------------------------------------------ alerts

Result<std::vector<AlertRule>> PostgresStore::GetAlertRules() {
  std::vector<AlertRule> out;
  Status st = Run([&](Conn& c) -> Status {
    out.clear();
    SENTIO_ASSIGN_OR_RETURN(
        Res r, c.Query("SELECT id, type, threshold, window_s, min_posts, cooldown_s, scope, "
                       "scope_value, enabled, webhook_url FROM alert_rules ORDER BY position",
                       Params()));
    for (int i = 0; i < PQntuples(r.get()); ++i) {
      AlertRule a;
      a.id = Text(r, i, 0);
      a.type = Text(r, i, 1);
      a.threshold = Double(r, i, 2);
      a.window_s = Int(r, i, 3);
      a.min_posts = Int(r, i, 4);
      a.cooldown_s = Int(r, i, 5);
      a.scope = Text(r, i, 6);
      a.scope_value = Text(r, i, 7);
      a.enabled = Text(r, i, 8) == "t";
      a.webhook_url = Text(r, i, 9);
      out.push_back(std::move(a));
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Status PostgresStore::PutAlertRules(std::span<const AlertRule> rules) {
  // Later rules with the same id replace earlier ones (INSERT OR REPLACE in SQLite), keeping
  // the position of the last occurrence.
  std::map<std::string, std::size_t> pos;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    if (rules[i].id.empty()) return InvalidArgument("alert rule without id");
    pos[rules[i].id] = i;
  }
  return Tx([&](Conn& c) -> Status {
    SENTIO_RETURN_IF_ERROR(c.Exec("DELETE FROM alert_rules"));
    for (std::size_t i = 0; i < rules.size(); ++i) {
      const AlertRule& r = rules[i];
      if (pos[r.id] != i) continue;
      SENTIO_ASSIGN_OR_RETURN(
          Res ins,
          c.Query("INSERT INTO alert_rules(id, type, threshold, window_s, min_posts, cooldown_s, "
                  "scope, scope_value, enabled, webhook_url, position) "
                  "VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)",
                  Params().Add(r.id).Add(r.type).Add(r.threshold).Add(r.window_s).Add(r.min_posts)
                      .Add(r.cooldown_s).Add(r.scope).Add(r.scope_value)
                      .Add(r.enabled ? "true" : "false").Add(r.webhook_url)
                      .Add(static_cast<std::int64_t>(i))));
    }
    return Status::Ok();
  });
}

Result<std::int64_t> PostgresStore::InsertAlert(const Alert& a) {
  std::int64_t id = 0;
  Status st = Tx([&](Conn& c) -> Status {
    SENTIO_ASSIGN_OR_RETURN(
        Res r, c.Query("INSERT INTO alerts(rule_id, alert_type, threshold_value, actual_value, "
                       "window_start, window_end, post_count, triggered_at, details) "
                       "VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING id",
                       Params().Add(a.rule_id).Add(a.alert_type).Add(a.threshold_value)
                           .Add(a.actual_value).Add(a.window_start).Add(a.window_end)
                           .Add(a.post_count).Add(a.triggered_at)
                           .Add(a.details_json.empty() ? std::string("{}") : a.details_json)));
    id = Int(r, 0, 0);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return id;
}

Result<std::vector<Alert>> PostgresStore::ListAlerts(const AlertQuery& q) {
  std::vector<Alert> out;
  Status st = Run([&](Conn& c) -> Status {
    out.clear();
    std::string sql =
        "SELECT id, rule_id, alert_type, threshold_value, actual_value, window_start, window_end, "
        "post_count, triggered_at, details FROM alerts";
    Params ps;
    std::vector<std::string> conds;
    if (q.since) {
      ps.Add(*q.since);
      conds.push_back("triggered_at >= $" + std::to_string(ps.size()));
    }
    if (q.type) {
      ps.Add(*q.type);
      conds.push_back("alert_type = $" + std::to_string(ps.size()));
    }
    for (std::size_t i = 0; i < conds.size(); ++i) sql += (i == 0 ? " WHERE " : " AND ") + conds[i];
    ps.Add(static_cast<std::int64_t>(std::max(0, q.limit)));
    sql += " ORDER BY triggered_at DESC, id DESC LIMIT $" + std::to_string(ps.size());
    SENTIO_ASSIGN_OR_RETURN(Res r, c.Query(sql, ps));
    for (int i = 0; i < PQntuples(r.get()); ++i) {
      Alert a;
      a.id = Int(r, i, 0);
      a.rule_id = Text(r, i, 1);
      a.alert_type = Text(r, i, 2);
      a.threshold_value = Double(r, i, 3);
      a.actual_value = Double(r, i, 4);
      a.window_start = Int(r, i, 5);
      a.window_end = Int(r, i, 6);
      a.post_count = Int(r, i, 7);
      a.triggered_at = Int(r, i, 8);
      a.details_json = Text(r, i, 9);
      out.push_back(std::move(a));
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

}  // namespace sentio::storage
