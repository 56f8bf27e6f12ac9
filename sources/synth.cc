#include "sources/synth.h"

#include <spdlog/spdlog.h>

#include <array>
#include <charconv>
#include <thread>

namespace sentio::sources {

TokenBucket::TokenBucket(double rate_per_s, double burst, std::chrono::steady_clock::time_point now)
    : rate_(rate_per_s), burst_(std::max(burst, 1.0)), tokens_(std::max(burst, 1.0)), last_(now) {}

void TokenBucket::Refill(std::chrono::steady_clock::time_point now) {
  double dt = std::chrono::duration<double>(now - last_).count();
  if (dt > 0) {
    tokens_ = std::min(burst_, tokens_ + dt * rate_);
    last_ = now;
  }
}

bool TokenBucket::TryTake(double n, std::chrono::steady_clock::time_point now) {
  Refill(now);
  if (tokens_ + 1e-9 < n) return false;
  tokens_ -= n;
  return true;
}

std::chrono::microseconds TokenBucket::WaitTime(double n, std::chrono::steady_clock::time_point now) {
  Refill(now);
  if (tokens_ >= n || rate_ <= 0) return std::chrono::microseconds(0);
  return std::chrono::microseconds(static_cast<std::int64_t>((n - tokens_) / rate_ * 1e6) + 1);
}

Result<double> ParseRatePerMinute(std::string_view s) {
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || v <= 0) return InvalidArgument("bad rate '" + std::string(s) + "' (want e.g. 600/min, 10/s)");
  std::string_view unit(p, static_cast<std::size_t>(s.data() + s.size() - p));
  if (unit.empty() || unit == "/min" || unit == "/m") return v;
  if (unit == "/s" || unit == "/sec") return v * 60;
  if (unit == "/h" || unit == "/hour") return v / 60;
  return InvalidArgument("bad rate unit '" + std::string(unit) + "' (want /s, /min or /h)");
}

namespace {

struct Template {
  const char* text;
  int sentiment;  // -1, 0, +1 (for the generator's mix only; the models decide the label)
};

constexpr std::array kTemplates = {
    Template{"I absolutely love this {thing}, best thing I've seen all week!", 1},
    Template{"This {thing} made my day, thank you so much 😍", 1},
    Template{"Wow, the {thing} is amazing. Great job everyone!", 1},
    Template{"So happy with the new {thing}, it works perfectly", 1},
    Template{"Honestly impressed by the {thing}. Keep it up!! 👏", 1},
    Template{"Can't stop laughing at this {thing} 😂 brilliant", 1},
    Template{"What a surprise, I did not expect the {thing} to be this good!", 1},
    Template{"Really enjoyed the {thing}, well done", 1},
    Template{"The {thing} is out now, release notes are in the description", 0},
    Template{"Does anyone know when the next {thing} is coming?", 0},
    Template{"Watched the {thing} today. It is about 20 minutes long.", 0},
    Template{"The {thing} was uploaded at 3pm, link in bio", 0},
    Template{"Is the {thing} available in Europe yet?", 0},
    Template{"I think the {thing} uses the same format as last time", 0},
    Template{"This {thing} is terrible, what a waste of time 😡", -1},
    Template{"I hate how the {thing} keeps breaking, so annoying", -1},
    Template{"Worst {thing} ever. Really disappointed.", -1},
    Template{"The {thing} is so sad, I actually cried 😢", -1},
    Template{"Honestly scared of what the {thing} means for us", -1},
    Template{"Disgusting behaviour in the {thing}, unacceptable", -1},
    Template{"The {thing} doesn't work at all, not happy", -1},
};
constexpr std::array kThings = {"video", "update", "episode", "stream", "product", "trailer", "tutorial",
                                "album", "game patch", "podcast", "review", "new feature"};
constexpr std::array kNames = {"alex", "sam", "jordan", "riley", "casey", "morgan", "taylor", "jamie", "kai",
                               "robin", "quinn", "avery", "drew", "lee", "noor", "mika"};
constexpr std::array kVideos = {"dQw4w9WgXcQ", "9bZkp7q19f0", "kJQP7kiw5Fk", "JGwWNGJdvx8", "OPf0YbXqDm0"};

}  // namespace

SynthGenerator::SynthGenerator(SynthOptions opts) : opts_(std::move(opts)) {
  std::uint64_t seed = opts_.seed ? opts_.seed : std::random_device{}() ^ (static_cast<std::uint64_t>(std::random_device{}()) << 32);
  rng_.seed(seed);
  char buf[17];
  std::snprintf(buf, sizeof buf, "%08llx", static_cast<unsigned long long>(rng_() & 0xffffffffULL));
  run_id_ = buf;
  if (opts_.sources.empty()) opts_.sources = {"synthetic"};
}

Post SynthGenerator::Next(TimeMs now) {
  // Mix: ~40% positive, ~33% neutral, ~27% negative (+ negative_bias), drawn per post.
  std::uniform_real_distribution<double> u(0, 1);
  double r = u(rng_);
  double neg = 0.27 + opts_.negative_bias, pos = 0.40 * (1 - opts_.negative_bias);
  int want = r < neg ? -1 : (r < neg + pos ? 1 : 0);
  std::vector<const Template*> pool;
  for (const auto& t : kTemplates)
    if (t.sentiment == want) pool.push_back(&t);
  const Template* t = pool[rng_() % pool.size()];
  std::string text = t->text;
  auto pos_thing = text.find("{thing}");
  if (pos_thing != std::string::npos) text.replace(pos_thing, 7, kThings[rng_() % kThings.size()]);
  Post p;
  p.source = opts_.sources[rng_() % opts_.sources.size()];
  p.post_id = "synth_" + run_id_ + "_" + std::to_string(++counter_);
  p.content = std::move(text);
  p.author = std::string(kNames[rng_() % kNames.size()]) + std::to_string(rng_() % 100);
  p.created_at = now;
  p.ingested_at = now;
  if (p.source == "youtube") p.video_id = kVideos[rng_() % kVideos.size()];
  return p;
}

std::int64_t RunSynth(const SynthOptions& opts, const Clock& clock,
                      const std::function<Status(std::vector<Post>)>& sink, const std::atomic<bool>& stop) {
  SynthGenerator gen(opts);
  const double per_s = opts.rate_per_min / 60.0;
  auto start = std::chrono::steady_clock::now();
  // Batches of ~100 ms worth of posts (at least 1) keep pacing smooth and requests few.
  const int batch = std::max(1, static_cast<int>(per_s / 10));
  TokenBucket bucket(per_s, batch, start);
  std::int64_t sent = 0;
  while (!stop.load()) {
    if (opts.max_posts >= 0 && sent >= opts.max_posts) break;
    auto now = std::chrono::steady_clock::now();
    if (opts.duration.count() > 0 && now - start >= opts.duration) break;
    int n = batch;
    if (opts.max_posts >= 0) n = static_cast<int>(std::min<std::int64_t>(n, opts.max_posts - sent));
    if (!bucket.TryTake(n, now)) {
      auto w = bucket.WaitTime(n, now);
      std::this_thread::sleep_for(std::min<std::chrono::microseconds>(w, std::chrono::milliseconds(100)));
      continue;
    }
    std::vector<Post> posts;
    posts.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) posts.push_back(gen.Next(clock.now_ms()));
    for (int attempt = 0; !stop.load(); ++attempt) {
      Status st = sink(posts);
      if (st.ok()) break;
      spdlog::warn("synth: delivery failed ({}), retrying", st.to_string());
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min(5000, 200 << std::min(attempt, 4))));
    }
    sent += n;
  }
  return sent;
}

}  // namespace sentio::sources
