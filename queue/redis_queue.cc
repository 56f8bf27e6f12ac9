#include "queue/redis_queue.h"

#include <hiredis/hiredis.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <charconv>
#include <cstring>
#include <map>
#include <random>

namespace sentio::queue {
namespace {

namespace json = boost::json;

struct ReplyDeleter {
  void operator()(redisReply* r) const {
    if (r) freeReplyObject(r);
  }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

// Dedup (SET NX) + XADD of the new posts, atomically. KEYS[1] = stream, KEYS[2..] = dedup
// keys; ARGV[1] = ttl seconds (0 = forever), ARGV[2] = max depth (0 = none),
// ARGV[3..] = payloads. Returns one integer per post: 1 = added, 0 = duplicate.
constexpr const char* kEnqueueScript = R"lua(
local call = redis.call
local stream, ttl = KEYS[1], ARGV[1]
local maxd = tonumber(ARGV[2])
if maxd > 0 and call('XLEN', stream) + (#KEYS - 1) > maxd then
  return redis.error_reply('QUEUEFULL stream holds ' .. maxd .. ' entries or more')
end
local out = {}
for i = 2, #KEYS do
  local ok
  if ttl ~= '0' then
    ok = call('SET', KEYS[i], '1', 'NX', 'EX', ttl)
  else
    ok = call('SET', KEYS[i], '1', 'NX')
  end
  if ok then
    call('XADD', stream, '*', 'p', ARGV[i + 1])
    out[i - 1] = 1
  else
    out[i - 1] = 0
  end
end
return out
)lua";

// Safe trim: for every consumer group the oldest entry still needed is its oldest pending
// entry, or (none pending) the first entry after its last-delivered id. Everything below
// the minimum over groups was delivered and acknowledged by every group. KEYS[1] = stream.
constexpr const char* kTrimScript = R"lua(
local function parse(id)
  local ms, seq = string.match(id, '^(%d+)-(%d+)$')
  return tonumber(ms), tonumber(seq)
end
local function less(a_ms, a_seq, b_ms, b_seq)
  return a_ms < b_ms or (a_ms == b_ms and a_seq < b_seq)
end
local groups = redis.call('XINFO', 'GROUPS', KEYS[1])
if #groups == 0 then return 0 end
local best_ms, best_seq
for _, g in ipairs(groups) do
  local name, last
  for j = 1, #g, 2 do
    if g[j] == 'name' then name = g[j + 1] end
    if g[j] == 'last-delivered-id' then last = g[j + 1] end
  end
  local ms, seq
  local p = redis.call('XPENDING', KEYS[1], name)
  if p[1] > 0 then
    ms, seq = parse(p[2])
  else
    ms, seq = parse(last)
    seq = seq + 1
  end
  if best_ms == nil or less(ms, seq, best_ms, best_seq) then best_ms, best_seq = ms, seq end
end
if best_ms == 0 and best_seq <= 1 then return 0 end
return redis.call('XTRIM', KEYS[1], 'MINID', string.format('%d-%d', best_ms, best_seq))
)lua";

std::string ReplyStr(const redisReply* r) {
  if (!r) return {};
  if (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS ||
      r->type == REDIS_REPLY_ERROR)
    return std::string(r->str, r->len);
  if (r->type == REDIS_REPLY_INTEGER) return std::to_string(r->integer);
  return {};
}

std::int64_t ReplyInt(const redisReply* r) {
  if (!r) return 0;
  if (r->type == REDIS_REPLY_INTEGER) return r->integer;
  if (r->type == REDIS_REPLY_STRING) {
    std::int64_t v = 0;
    std::from_chars(r->str, r->str + r->len, v);
    return v;
  }
  return 0;
}

bool IsArray(const redisReply* r) { return r && r->type == REDIS_REPLY_ARRAY; }

Status ErrorReply(const redisReply* r) {
  std::string msg = ReplyStr(r);
  if (msg.rfind("QUEUEFULL", 0) == 0) return ResourceExhausted("redis queue full: " + msg);
  if (msg.rfind("LOADING", 0) == 0 || msg.rfind("BUSY", 0) == 0 ||
      msg.rfind("MISCONF", 0) == 0 || msg.rfind("READONLY", 0) == 0)
    return Unavailable("redis: " + msg);
  return Internal("redis: " + msg);
}

struct timeval ToTimeval(std::chrono::milliseconds ms) {
  struct timeval tv {};
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

std::string RandomHex(int bytes) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < bytes; ++i) {
    auto b = static_cast<unsigned>(rng() & 0xff);
    s += kHex[b >> 4];
    s += kHex[b & 0xf];
  }
  return s;
}

std::string GenerateId() {
  std::string h = RandomHex(16);
  return "gen_" + h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" +
         h.substr(16, 4) + "-" + h.substr(20, 12);
}

// Field value of a flat [f1, v1, f2, v2, ...] reply.
std::string Field(const redisReply* fields, std::string_view name) {
  if (!IsArray(fields)) return {};
  for (size_t i = 0; i + 1 < fields->elements; i += 2)
    if (ReplyStr(fields->element[i]) == name) return ReplyStr(fields->element[i + 1]);
  return {};
}

}  // namespace

// One hiredis connection (used by one thread at a time).
class RedisQueue::Conn {
 public:
  explicit Conn(redisContext* c) : c_(c) {}
  ~Conn() { redisFree(c_); }
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  bool broken() const { return c_->err != 0; }
  Status IoStatus() const {
    return Unavailable(std::string("redis connection: ") + (c_->errstr[0] ? c_->errstr : "error"));
  }

  // Sends one command and reads its reply. Error replies become a Status.
  Result<ReplyPtr> Cmd(const std::vector<std::string>& args) {
    SENTIO_RETURN_IF_ERROR(Append(args));
    return Get();
  }
  Status Append(const std::vector<std::string>& args) {
    std::vector<const char*> argv;
    std::vector<size_t> lens;
    argv.reserve(args.size());
    lens.reserve(args.size());
    for (const auto& a : args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    if (redisAppendCommandArgv(c_, static_cast<int>(args.size()), argv.data(), lens.data()) !=
        REDIS_OK)
      return IoStatus();
    return Status::Ok();
  }
  // Reads the next pipelined reply.
  Result<ReplyPtr> Get() {
    void* raw = nullptr;
    if (redisGetReply(c_, &raw) != REDIS_OK || raw == nullptr) return IoStatus();
    ReplyPtr r(static_cast<redisReply*>(raw));
    if (r->type == REDIS_REPLY_ERROR) return ErrorReply(r.get());
    return r;
  }
  void SetTimeout(std::chrono::milliseconds ms) { redisSetTimeout(c_, ToTimeval(ms)); }

 private:
  redisContext* c_;
};

RedisQueue::RedisQueue(Endpoint ep, RedisQueueOptions opts)
    : ep_(std::move(ep)), opts_(std::move(opts)) {
  stream_key_ = opts_.key_prefix + ":stream";
  dead_key_ = opts_.key_prefix + ":dead";
  seen_prefix_ = opts_.key_prefix + ":seen:";
  if (opts_.consumer.empty()) {
    char host[256] = {};
    if (gethostname(host, sizeof(host) - 1) != 0) std::strcpy(host, "host");
    opts_.consumer = std::string(host) + ":" + std::to_string(getpid()) + ":" + RandomHex(4);
  }
  if (opts_.pool_size == 0) opts_.pool_size = 1;
  if (opts_.enqueue_chunk == 0) opts_.enqueue_chunk = 256;
  if (opts_.max_attempts < 1) opts_.max_attempts = 1;
  pool_ = std::make_unique<Pool>("redis", opts_.pool_size, opts_.acquire_timeout,
                                 [this] { return Connect(); });
}

RedisQueue::~RedisQueue() = default;

TimeMs RedisQueue::now_ms() const {
  return opts_.clock ? opts_.clock->now_ms() : system_clock_.now_ms();
}

Result<RedisQueue::Endpoint> RedisQueue::ParseUrl(const std::string& url) {
  auto u = boost::urls::parse_uri(url);
  if (!u) return InvalidArgument("invalid redis URL (expected redis://host:port[/db])");
  if (u->scheme() != "redis") return InvalidArgument("redis URL must start with redis://");
  Endpoint ep;
  if (!u->host().empty()) ep.host = u->host_address();
  if (u->has_port()) ep.port = u->port_number();
  if (u->has_userinfo()) {
    ep.user = u->user();
    ep.password = u->password();
    if (!u->has_password()) {  // redis://secret@host: the user part is the password
      ep.password = ep.user;
      ep.user.clear();
    }
  }
  std::string path = u->path();
  if (!path.empty() && path != "/") {
    std::string_view p = path;
    if (p.front() == '/') p.remove_prefix(1);
    int db = 0;
    auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), db);
    if (ec != std::errc() || ptr != p.data() + p.size() || db < 0)
      return InvalidArgument("redis URL: database must be a number");
    ep.db = db;
  }
  return ep;
}

Result<std::unique_ptr<RedisQueue::Conn>> RedisQueue::Connect() {
  redisContext* raw =
      redisConnectWithTimeout(ep_.host.c_str(), ep_.port, ToTimeval(opts_.connect_timeout));
  if (raw == nullptr) return Unavailable("redis: out of memory connecting");
  auto c = std::make_unique<Conn>(raw);
  if (raw->err)
    return Unavailable("redis: cannot connect to " + ep_.host + ":" + std::to_string(ep_.port) +
                       ": " + raw->errstr);
  c->SetTimeout(opts_.io_timeout);
  if (!ep_.password.empty()) {
    std::vector<std::string> auth{"AUTH"};
    if (!ep_.user.empty()) auth.push_back(ep_.user);
    auth.push_back(ep_.password);
    auto r = c->Cmd(auth);
    if (!r.ok()) return Status(Code::kUnauthenticated, "redis AUTH failed");
  }
  if (ep_.db != 0) {
    auto r = c->Cmd({"SELECT", std::to_string(ep_.db)});
    if (!r.ok()) return r.status();
  }
  return c;
}

Result<RedisQueue::Lease> RedisQueue::Acquire() { return pool_->Acquire(); }

Result<std::unique_ptr<RedisQueue>> RedisQueue::Open(std::string url, RedisQueueOptions opts) {
  SENTIO_ASSIGN_OR_RETURN(Endpoint ep, ParseUrl(url));
  std::unique_ptr<RedisQueue> q(new RedisQueue(std::move(ep), std::move(opts)));
  SENTIO_RETURN_IF_ERROR(q->Init());
  return q;
}

Status RedisQueue::Init() {
  SENTIO_ASSIGN_OR_RETURN(Lease c, Acquire());
  auto r = c->Cmd({"XGROUP", "CREATE", stream_key_, opts_.group, "0", "MKSTREAM"});
  if (!r.ok() && r.status().message().find("BUSYGROUP") == std::string::npos) return r.status();
  return Status::Ok();
}

std::string RedisQueue::Describe() const {
  return "redis://" + ep_.host + ":" + std::to_string(ep_.port) + "/" + std::to_string(ep_.db) +
         " stream=" + stream_key_ + " group=" + opts_.group;
}

std::string RedisQueue::EncodePost(const Post& p) {
  json::object o;
  o["i"] = p.post_id;
  o["s"] = p.source;
  o["c"] = p.content;
  if (!p.author.empty()) o["a"] = p.author;
  o["t"] = p.created_at;
  if (!p.video_id.empty()) o["v"] = p.video_id;
  if (!p.url.empty()) o["u"] = p.url;
  if (!p.meta_json.empty()) o["m"] = p.meta_json;
  o["g"] = p.ingested_at;
  return json::serialize(o);
}

Result<Post> RedisQueue::DecodePost(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return DataLoss("queue entry is not a JSON object");
  const auto& o = v.get_object();
  auto str = [&](const char* k) -> std::string {
    auto it = o.find(k);
    return it != o.end() && it->value().is_string() ? std::string(it->value().get_string())
                                                    : std::string();
  };
  auto num = [&](const char* k) -> TimeMs {
    auto it = o.find(k);
    return it != o.end() && it->value().is_int64() ? it->value().get_int64() : 0;
  };
  Post p;
  p.post_id = str("i");
  p.source = str("s");
  p.content = str("c");
  p.author = str("a");
  p.created_at = num("t");
  p.video_id = str("v");
  p.url = str("u");
  p.meta_json = str("m");
  p.ingested_at = num("g");
  if (p.post_id.empty()) return DataLoss("queue entry has no post id");
  return p;
}

Result<EnqueueResult> RedisQueue::Enqueue(std::vector<Post> posts) {
  EnqueueResult res;
  res.ids.reserve(posts.size());
  res.duplicate.reserve(posts.size());
  if (posts.empty()) return res;
  TimeMs now = now_ms();
  for (auto& p : posts) {
    if (p.post_id.empty()) p.post_id = GenerateId();
    if (p.ingested_at == 0) p.ingested_at = now;
    if (p.created_at == 0) p.created_at = p.ingested_at;
  }
  SENTIO_ASSIGN_OR_RETURN(Lease c, Acquire());
  const std::string ttl = std::to_string(std::max<std::int64_t>(0, opts_.dedup_ttl_s));
  const std::string maxd = std::to_string(std::max<std::int64_t>(0, opts_.max_depth));
  size_t chunks = 0;
  for (size_t begin = 0; begin < posts.size(); begin += opts_.enqueue_chunk, ++chunks) {
    size_t end = std::min(posts.size(), begin + opts_.enqueue_chunk);
    std::vector<std::string> args;
    args.reserve(3 + 2 * (end - begin) + 4);
    args.emplace_back("EVAL");
    args.emplace_back(kEnqueueScript);
    args.push_back(std::to_string(1 + end - begin));
    args.push_back(stream_key_);
    for (size_t i = begin; i < end; ++i) {
      const Post& p = posts[i];
      args.push_back(seen_prefix_ + std::to_string(p.source.size()) + ":" + p.source + ":" +
                     p.post_id);
    }
    args.push_back(ttl);
    args.push_back(maxd);
    for (size_t i = begin; i < end; ++i) args.push_back(EncodePost(posts[i]));
    SENTIO_RETURN_IF_ERROR(c->Append(args));
  }
  // Read every reply (even after an error) so the connection stays in sync.
  Status first_error;
  size_t index = 0;
  for (size_t k = 0; k < chunks; ++k) {
    size_t end = std::min(posts.size(), index + opts_.enqueue_chunk);
    auto r = c->Get();
    if (!r.ok()) {
      if (first_error.ok()) first_error = r.status();
      if (c->broken()) return first_error;
      index = end;
      continue;
    }
    const redisReply* arr = r->get();
    if (!IsArray(arr) || arr->elements != end - index) {
      if (first_error.ok()) first_error = Internal("redis: unexpected enqueue reply");
      index = end;
      continue;
    }
    for (size_t i = 0; i < arr->elements; ++i, ++index) {
      const redisReply* e = arr->element[i];
      const bool dup = e->type == REDIS_REPLY_INTEGER ? e->integer == 0 : ReplyStr(e).empty();
      res.ids.push_back(posts[index].post_id);
      res.duplicate.push_back(dup);
      (dup ? res.duplicates : res.accepted)++;
    }
  }
  if (!first_error.ok()) return first_error;
  return res;
}

Status RedisQueue::DeadLetterLocked(Conn& c, const std::string& id, const std::string& payload,
                                    int attempts, std::string_view error) {
  std::vector<std::vector<std::string>> cmds = {
      {"MULTI"},
      {"XADD", dead_key_, "MAXLEN", "~", std::to_string(std::max<std::int64_t>(1, opts_.dead_letter_max)),
       "*", "p", payload, "id", id, "attempts", std::to_string(attempts), "error",
       std::string(error), "failed_at", std::to_string(now_ms())},
      {"XACK", stream_key_, opts_.group, id},
      {"XDEL", stream_key_, id},
      {"EXEC"}};
  for (const auto& cmd : cmds) SENTIO_RETURN_IF_ERROR(c.Append(cmd));
  Status st;
  for (size_t i = 0; i < cmds.size(); ++i) {
    auto r = c.Get();
    if (!r.ok() && st.ok()) st = r.status();
    if (c.broken()) return st;
  }
  return st;
}

Result<std::vector<Delivery>> RedisQueue::Claim(std::size_t max, std::chrono::milliseconds lease,
                                                std::chrono::milliseconds wait) {
  std::vector<Delivery> out;
  if (max == 0) return out;
  SENTIO_ASSIGN_OR_RETURN(Lease c, Acquire());
  const std::string lease_ms = std::to_string(std::max<std::int64_t>(1, lease.count()));

  // 1. Entries whose consumer held them longer than the lease.
  std::string cursor;
  {
    std::lock_guard lk(mu_);
    cursor = autoclaim_cursor_;
  }
  {
    SENTIO_ASSIGN_OR_RETURN(ReplyPtr r, c->Cmd({"XAUTOCLAIM", stream_key_, opts_.group,
                                                opts_.consumer, lease_ms, cursor, "COUNT",
                                                std::to_string(max)}));
    const redisReply* rr = r.get();
    if (!IsArray(rr) || rr->elements < 2) return Internal("redis: unexpected XAUTOCLAIM reply");
    {
      std::lock_guard lk(mu_);
      autoclaim_cursor_ = ReplyStr(rr->element[0]);
    }
    const redisReply* entries = rr->element[1];
    if (IsArray(entries) && entries->elements > 0) {
      // Delivery counts of what we just claimed (XAUTOCLAIM incremented them).
      std::map<std::string, int> counts;
      for (size_t i = 0; i < entries->elements; ++i) {
        const redisReply* e = entries->element[i];
        if (!IsArray(e) || e->elements < 1) continue;
        std::string id = ReplyStr(e->element[0]);
        SENTIO_RETURN_IF_ERROR(c->Append({"XPENDING", stream_key_, opts_.group, id, id, "1"}));
      }
      for (size_t i = 0; i < entries->elements; ++i) {
        const redisReply* e = entries->element[i];
        if (!IsArray(e) || e->elements < 1) continue;
        SENTIO_ASSIGN_OR_RETURN(ReplyPtr pend, c->Get());
        if (IsArray(pend.get()) && pend->elements == 1 && IsArray(pend->element[0]) &&
            pend->element[0]->elements >= 4)
          counts[ReplyStr(pend->element[0]->element[0])] =
              static_cast<int>(ReplyInt(pend->element[0]->element[3]));
      }
      for (size_t i = 0; i < entries->elements; ++i) {
        const redisReply* e = entries->element[i];
        if (!IsArray(e) || e->elements < 2 || !IsArray(e->element[1])) continue;  // deleted
        std::string id = ReplyStr(e->element[0]);
        std::string payload = Field(e->element[1], "p");
        auto it = counts.find(id);
        int attempts = it == counts.end() ? 2 : it->second;
        auto post = DecodePost(payload);
        if (!post.ok() || attempts > opts_.max_attempts) {
          SENTIO_RETURN_IF_ERROR(DeadLetterLocked(
              *c, id, payload, attempts,
              post.ok() ? "lease expired " + std::to_string(attempts - 1) + " times"
                        : post.status().message()));
          continue;
        }
        out.push_back(Delivery{id, std::move(post).value(), attempts});
      }
    }
  }
  if (out.size() >= max) return out;

  // 2. New entries; block only when nothing was reclaimed.
  std::vector<std::string> args{"XREADGROUP", "GROUP", opts_.group, opts_.consumer,
                                "COUNT",      std::to_string(max - out.size())};
  bool block = out.empty() && wait.count() > 0;
  if (block) {
    args.emplace_back("BLOCK");
    args.push_back(std::to_string(wait.count()));
    c->SetTimeout(opts_.io_timeout + wait);
  }
  args.insert(args.end(), {"STREAMS", stream_key_, ">"});
  auto r = c->Cmd(args);
  if (block && !c->broken()) c->SetTimeout(opts_.io_timeout);
  if (!r.ok()) {
    if (!out.empty()) return out;  // hand out what we reclaimed; the error shows next time
    return r.status();
  }
  const redisReply* rr = r->get();
  if (IsArray(rr) && rr->elements > 0 && IsArray(rr->element[0]) &&
      rr->element[0]->elements >= 2) {
    const redisReply* entries = rr->element[0]->element[1];
    for (size_t i = 0; IsArray(entries) && i < entries->elements; ++i) {
      const redisReply* e = entries->element[i];
      if (!IsArray(e) || e->elements < 2) continue;
      std::string id = ReplyStr(e->element[0]);
      std::string payload = Field(e->element[1], "p");
      auto post = DecodePost(payload);
      if (!post.ok()) {
        SENTIO_RETURN_IF_ERROR(DeadLetterLocked(*c, id, payload, 1, post.status().message()));
        continue;
      }
      out.push_back(Delivery{id, std::move(post).value(), 1});
    }
  }
  return out;
}

Status RedisQueue::Ack(std::span<const Delivery> done) {
  if (done.empty()) return Status::Ok();
  bool trim = false;
  {
    SENTIO_ASSIGN_OR_RETURN(Lease c, Acquire());
    std::vector<std::string> ack{"XACK", stream_key_, opts_.group};
    std::vector<std::string> del{"XDEL", stream_key_};
    for (const auto& d : done) {
      ack.push_back(d.tag);
      del.push_back(d.tag);
    }
    // XACK first: an entry is never deleted while still pending.
    SENTIO_RETURN_IF_ERROR(c->Append(ack));
    SENTIO_RETURN_IF_ERROR(c->Append(del));
    auto r1 = c->Get();
    auto r2 = c->Get();
    if (!r1.ok()) return r1.status();
    if (!r2.ok()) return r2.status();
    std::lock_guard lk(mu_);
    if (++acks_since_trim_ >= opts_.trim_every_acks) {
      acks_since_trim_ = 0;
      trim = true;
    }
  }
  if (trim) {
    auto t = TrimAcknowledged();
    if (!t.ok()) return t.status();
  }
  return Status::Ok();
}

Status RedisQueue::Fail(const Delivery& d, std::string_view error) {
  SENTIO_ASSIGN_OR_RETURN(Lease c, Acquire());
  if (d.attempts >= opts_.max_attempts)
    return DeadLetterLocked(*c, d.tag, EncodePost(d.post), d.attempts, error);
  // Make it reclaimable by any consumer right away (JUSTID: the delivery count is kept;
  // the next XAUTOCLAIM increments it).
  auto r = c->Cmd({"XCLAIM", stream_key_, opts_.group, opts_.consumer, "0", d.tag, "IDLE",
                   "1000000000", "JUSTID"});
  return r.status();
}

Result<std::int64_t> RedisQueue::TrimAcknowledged() {
  SENTIO_ASSIGN_OR_RETURN(Lease c, Acquire());
  SENTIO_ASSIGN_OR_RETURN(ReplyPtr r, c->Cmd({"EVAL", kTrimScript, "1", stream_key_}));
  return ReplyInt(r.get());
}

Result<QueueStats> RedisQueue::Stats() {
  SENTIO_ASSIGN_OR_RETURN(Lease c, Acquire());
  SENTIO_RETURN_IF_ERROR(c->Append({"XLEN", stream_key_}));
  SENTIO_RETURN_IF_ERROR(c->Append({"XPENDING", stream_key_, opts_.group}));
  SENTIO_RETURN_IF_ERROR(c->Append({"XLEN", dead_key_}));
  auto len = c->Get();
  auto pend = c->Get();
  auto dead = c->Get();
  if (!len.ok()) return len.status();
  if (!pend.ok()) return pend.status();
  if (!dead.ok()) return dead.status();
  QueueStats s;
  s.depth = ReplyInt(len->get());
  if (IsArray(pend->get()) && (*pend)->elements >= 1) s.in_flight = ReplyInt((*pend)->element[0]);
  s.dead_letters = ReplyInt(dead->get());
  return s;
}

Result<std::vector<DeadLetter>> RedisQueue::ListDeadLetters(int limit) {
  std::vector<DeadLetter> out;
  if (limit <= 0) return out;
  SENTIO_ASSIGN_OR_RETURN(Lease c, Acquire());
  SENTIO_ASSIGN_OR_RETURN(ReplyPtr r,
                          c->Cmd({"XREVRANGE", dead_key_, "+", "-", "COUNT", std::to_string(limit)}));
  for (size_t i = 0; IsArray(r.get()) && i < r->elements; ++i) {
    const redisReply* e = r->element[i];
    if (!IsArray(e) || e->elements < 2) continue;
    DeadLetter d;
    d.tag = Field(e->element[1], "id");
    auto post = DecodePost(Field(e->element[1], "p"));
    if (post.ok()) d.post = std::move(post).value();
    d.attempts = static_cast<int>(std::strtol(Field(e->element[1], "attempts").c_str(), nullptr, 10));
    d.last_error = Field(e->element[1], "error");
    d.failed_at = std::strtoll(Field(e->element[1], "failed_at").c_str(), nullptr, 10);
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace sentio::queue
