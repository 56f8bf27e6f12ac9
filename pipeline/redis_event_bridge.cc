#include "pipeline/redis_event_bridge.h"

#include <hiredis/hiredis.h>
#include <poll.h>

#include <algorithm>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <charconv>
#include <random>
#include <vector>

#include "core/json_writer.h"

namespace sentio::pipeline {
namespace {

namespace json = boost::json;

// Set while this thread re-publishes a remote event into the local bus, so the bridge's
// own bus handler does not send it back out.
thread_local const RedisEventBridge* tls_republishing = nullptr;

struct ContextDeleter {
  void operator()(redisContext* c) const {
    if (c) redisFree(c);
  }
};
using ContextPtr = std::unique_ptr<redisContext, ContextDeleter>;

struct ReplyDeleter {
  void operator()(void* r) const {
    if (r) freeReplyObject(r);
  }
};
using ReplyPtr = std::unique_ptr<void, ReplyDeleter>;

int TypeCode(Event::Type t) { return static_cast<int>(t); }

}  // namespace

std::string RedisEventBridge::Encode(const std::string& instance, const Event& e) {
  json::object o;
  o["i"] = instance;
  o["t"] = TypeCode(e.type);
  if (!e.source.empty()) o["s"] = e.source;
  if (!e.video_id.empty()) o["v"] = e.video_id;
  o["j"] = e.json;
  return ::sentio::ToJson(o);
}

std::string RedisEventBridge::EncodeBatch(const std::string& instance,
                                          std::span<const std::shared_ptr<const Event>> events) {
  std::size_t body = 0;
  for (const auto& e : events) body += e->json.size();
  std::string out;
  out.reserve(body + 32 + instance.size() + events.size() * 48);
  out += "{\"i\":";
  ::sentio::AppendJsonString(out, instance);
  out += ",\"b\":[";
  char num[24];
  for (std::size_t k = 0; k < events.size(); ++k) {
    const Event& e = *events[k];
    if (k) out += ',';
    out += '[';
    out.append(num, static_cast<std::size_t>(std::to_chars(num, num + sizeof num, TypeCode(e.type)).ptr - num));
    out += ',';
    ::sentio::AppendJsonString(out, e.source);
    out += ',';
    ::sentio::AppendJsonString(out, e.video_id);
    out += ',';
    out.append(num, static_cast<std::size_t>(std::to_chars(num, num + sizeof num, e.json.size()).ptr - num));
    out += ']';
  }
  out += "]}\n";
  for (const auto& e : events) out += e->json;
  return out;
}

bool RedisEventBridge::DecodeAny(std::string_view msg, std::string* instance,
                                 std::vector<Event>* events) {
  events->clear();
  // The header line never holds a raw newline (JSON escapes them in strings); a single
  // event message is one JSON object with no newline outside its strings either, so the
  // "b" key tells the formats apart.
  const std::size_t nl = msg.find('\n');
  if (nl == std::string_view::npos) {
    Event e{};
    if (!Decode(msg, instance, &e)) return false;
    events->push_back(std::move(e));
    return true;
  }
  boost::system::error_code ec;
  json::value v = json::parse(msg.substr(0, nl), ec);
  if (ec || !v.is_object()) return false;
  const auto& o = v.get_object();
  auto inst = o.find("i");
  auto batch = o.find("b");
  if (inst == o.end() || !inst->value().is_string() || inst->value().get_string().empty() ||
      batch == o.end() || !batch->value().is_array())
    return false;
  std::string_view payload = msg.substr(nl + 1);
  const auto& arr = batch->value().get_array();
  events->reserve(arr.size());
  for (const auto& item : arr) {
    const auto* f = item.if_array();
    if (!f || f->size() != 4 || !(*f)[0].is_int64() || !(*f)[1].is_string() ||
        !(*f)[2].is_string() || !(*f)[3].is_int64()) {
      events->clear();
      return false;
    }
    const std::int64_t type = (*f)[0].get_int64(), len = (*f)[3].get_int64();
    if (type < TypeCode(Event::Type::kNewPost) || type > TypeCode(Event::Type::kMetricsUpdate) ||
        len < 0 || static_cast<std::uint64_t>(len) > payload.size()) {
      events->clear();
      return false;
    }
    Event e{};
    e.type = static_cast<Event::Type>(type);
    e.source = std::string((*f)[1].get_string());
    e.video_id = std::string((*f)[2].get_string());
    e.json = std::string(payload.substr(0, static_cast<std::size_t>(len)));
    payload.remove_prefix(static_cast<std::size_t>(len));
    events->push_back(std::move(e));
  }
  if (!payload.empty()) {  // lengths do not add up: truncated or corrupt
    events->clear();
    return false;
  }
  *instance = std::string(inst->value().get_string());
  return true;
}

bool RedisEventBridge::Decode(std::string_view msg, std::string* instance, Event* e) {
  boost::system::error_code ec;
  json::value v = json::parse(msg, ec);
  if (ec || !v.is_object()) return false;
  const auto& o = v.get_object();
  auto str = [&](const char* k) -> std::string {
    auto it = o.find(k);
    return it != o.end() && it->value().is_string() ? std::string(it->value().get_string())
                                                    : std::string();
  };
  auto t = o.find("t");
  if (t == o.end() || !t->value().is_int64()) return false;
  std::int64_t type = t->value().get_int64();
  if (type < TypeCode(Event::Type::kNewPost) || type > TypeCode(Event::Type::kMetricsUpdate))
    return false;
  *instance = str("i");
  e->type = static_cast<Event::Type>(type);
  e->source = str("s");
  e->video_id = str("v");
  e->json = str("j");
  return !instance->empty();
}

RedisEventBridge::RedisEventBridge(Endpoint ep, EventBus* bus, RedisEventBridgeOptions opts)
    : ep_(std::move(ep)), bus_(bus), opts_(std::move(opts)) {
  if (opts_.instance_id.empty()) {
    std::mt19937_64 rng{std::random_device{}()};
    opts_.instance_id = std::to_string(rng());
  }
}

Result<std::unique_ptr<RedisEventBridge>> RedisEventBridge::Start(std::string url, EventBus* bus,
                                                                  RedisEventBridgeOptions opts) {
  if (bus == nullptr) return InvalidArgument("event bridge needs a bus");
  auto u = boost::urls::parse_uri(url);
  if (!u || u->scheme() != "redis")
    return InvalidArgument("invalid redis URL (expected redis://host:port[/db])");
  Endpoint ep;
  ep.host = u->host().empty() ? "127.0.0.1" : std::string(u->host_address());
  if (u->has_port()) ep.port = u->port_number();
  if (u->has_userinfo()) {
    ep.user = u->user();
    ep.password = u->password();
    if (!u->has_password()) std::swap(ep.user, ep.password);
  }
  std::unique_ptr<RedisEventBridge> b(new RedisEventBridge(std::move(ep), bus, std::move(opts)));
  if (b->opts_.receive_remote) {
    b->subscriber_ = std::thread([p = b.get()] { p->SubscriberLoop(); });
    auto deadline = std::chrono::steady_clock::now() + 2 * b->opts_.connect_timeout;
    while (!b->listening_.load() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    if (!b->listening_.load()) {
      b->Stop();
      return Unavailable("redis event bridge: cannot subscribe to " + b->ep_.host + ":" +
                         std::to_string(b->ep_.port));
    }
  }
  if (b->opts_.publish_local) {
    b->publisher_ = std::thread([p = b.get()] { p->PublisherLoop(); });
    b->sub_id_ = bus->Subscribe([p = b.get()](const std::shared_ptr<const Event>& e) { p->OnLocal(e); });
    b->subscribed_ = true;
  }
  return b;
}

RedisEventBridge::~RedisEventBridge() { Stop(); }

void RedisEventBridge::Stop() {
  if (subscribed_) {
    bus_->Unsubscribe(sub_id_);
    subscribed_ = false;
  }
  {
    std::lock_guard lk(mu_);
    stop_ = true;
  }
  stopping_ = true;
  cv_.notify_all();
  if (publisher_.joinable()) publisher_.join();
  if (subscriber_.joinable()) subscriber_.join();
}

bool RedisEventBridge::Sleep(std::chrono::milliseconds d) {
  std::unique_lock lk(mu_);
  return !cv_.wait_for(lk, d, [&] { return stop_; });
}

void RedisEventBridge::OnLocal(const std::shared_ptr<const Event>& e) {
  if (tls_republishing == this) return;  // came from Redis: don't echo
  {
    std::lock_guard lk(mu_);
    if (stop_) return;
    if (outbox_.size() >= opts_.max_outbox) {
      dropped_++;
      return;
    }
    outbox_.push_back(e);
  }
  cv_.notify_all();
}

namespace {

ContextPtr ConnectTo(const std::string& host, int port, const std::string& user,
                     const std::string& password, std::chrono::milliseconds timeout) {
  struct timeval tv {};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  ContextPtr c(redisConnectWithTimeout(host.c_str(), port, tv));
  if (!c || c->err) return nullptr;
  redisSetTimeout(c.get(), tv);
  if (!password.empty()) {
    ReplyPtr r(user.empty() ? redisCommand(c.get(), "AUTH %s", password.c_str())
                            : redisCommand(c.get(), "AUTH %s %s", user.c_str(), password.c_str()));
    if (!r || static_cast<redisReply*>(r.get())->type == REDIS_REPLY_ERROR) return nullptr;
  }
  return c;
}

}  // namespace

void RedisEventBridge::PublisherLoop() {
  ContextPtr c;
  std::vector<std::shared_ptr<const Event>> batch;
  while (true) {
    {
      std::unique_lock lk(mu_);
      cv_.wait(lk, [&] { return stop_ || !outbox_.empty(); });
      if (stop_) return;
      batch.assign(outbox_.begin(), outbox_.end());
      outbox_.clear();
    }
    if (!c) c = ConnectTo(ep_.host, ep_.port, ep_.user, ep_.password, opts_.connect_timeout);
    if (!c) {
      dropped_ += batch.size();  // live events are best effort
      if (!Sleep(opts_.reconnect_delay)) return;
      continue;
    }
    // One PUBLISH per chunk of up to max_batch events (pipelined): Redis and every
    // subscriber handle one message per chunk instead of one per event.
    const std::size_t per = std::max<std::size_t>(1, opts_.max_batch);
    std::vector<std::size_t> sizes;
    for (std::size_t begin = 0; begin < batch.size(); begin += per) {
      const std::size_t n = std::min(per, batch.size() - begin);
      std::string msg =
          EncodeBatch(opts_.instance_id, std::span(batch).subspan(begin, n));
      redisAppendCommand(c.get(), "PUBLISH %b %b", opts_.channel.data(), opts_.channel.size(),
                         msg.data(), msg.size());
      sizes.push_back(n);
    }
    size_t ok = 0;
    for (std::size_t n : sizes) {
      void* raw = nullptr;
      if (redisGetReply(c.get(), &raw) != REDIS_OK) break;
      ReplyPtr r(raw);
      ok += n;
    }
    published_ += ok;
    if (ok < batch.size()) {
      dropped_ += batch.size() - ok;
      c.reset();
    }
  }
}

void RedisEventBridge::SubscriberLoop() {
  std::vector<Event> events;
  while (!stopping_.load()) {
    ContextPtr c = ConnectTo(ep_.host, ep_.port, ep_.user, ep_.password, opts_.connect_timeout);
    if (c) {
      ReplyPtr r(redisCommand(c.get(), "SUBSCRIBE %b", opts_.channel.data(), opts_.channel.size()));
      if (!r) c.reset();
    }
    if (!c) {
      if (!Sleep(opts_.reconnect_delay)) return;
      continue;
    }
    listening_ = true;
    // Poll the socket so Stop() is noticed within ~100 ms (a hiredis read timeout would
    // kill the context).
    while (!stopping_.load()) {
      void* raw = nullptr;
      if (redisGetReplyFromReader(c.get(), &raw) != REDIS_OK) break;
      if (raw == nullptr) {
        pollfd pfd{c->fd, POLLIN, 0};
        int n = poll(&pfd, 1, 100);
        if (n < 0 && errno != EINTR) break;
        if (n > 0 && redisBufferRead(c.get()) != REDIS_OK) break;
        continue;
      }
      ReplyPtr r(raw);
      auto* rep = static_cast<redisReply*>(raw);
      if (rep->type != REDIS_REPLY_ARRAY || rep->elements != 3) continue;
      auto* kind = rep->element[0];
      auto* payload = rep->element[2];
      if (kind->type != REDIS_REPLY_STRING || std::string_view(kind->str, kind->len) != "message" ||
          payload->type != REDIS_REPLY_STRING)
        continue;
      std::string instance;
      if (!DecodeAny(std::string_view(payload->str, payload->len), &instance, &events)) continue;
      if (instance == opts_.instance_id) continue;  // our own events, already delivered locally
      received_ += events.size();
      tls_republishing = this;
      for (auto& e : events) bus_->Publish(std::make_shared<const Event>(std::move(e)));
      tls_republishing = nullptr;
    }
    listening_ = false;
    if (!stopping_.load() && !Sleep(opts_.reconnect_delay)) return;
  }
}

}  // namespace sentio::pipeline
