#include "core/metrics.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace sentio {
namespace {

TEST(Metrics, CounterWithLabelsRendersTotals) {
  Metrics m;
  auto& fam = m.AddCounter("sentio_http_requests_total", "HTTP requests", {"method", "status"});
  fam.With({"GET", "200"}).Inc();
  fam.With({"GET", "200"}).Inc(2);
  fam.With({"POST", "500"}).Inc();
  std::string text = m.Render();
  EXPECT_NE(text.find("# TYPE sentio_http_requests_total counter"), std::string::npos) << text;
  EXPECT_NE(text.find("sentio_http_requests_total{method=\"GET\",status=\"200\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("sentio_http_requests_total{method=\"POST\",status=\"500\"} 1\n"), std::string::npos) << text;
}

TEST(Metrics, SameNameReturnsSameFamily) {
  Metrics m;
  auto& a = m.AddCounter("x_total", "x");
  auto& b = m.AddCounter("x_total", "x");
  EXPECT_EQ(&a, &b);
  auto& g = m.AddGauge("x_total", "clash");  // different kind: usable but not exported twice
  g.With({}).Set(5);
  a.With({}).Inc();
  std::string text = m.Render();
  EXPECT_NE(text.find("x_total 1\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("x_total 5"), std::string::npos) << text;
}

TEST(Metrics, HistogramBucketsAreCumulative) {
  Metrics m;
  auto& h = m.AddHistogram("lat_seconds", "latency", {"route"}, {0.1, 0.01, 1.0});  // unsorted on purpose
  auto& c = h.With({"/a"});
  c.Observe(0.005);
  c.Observe(0.05);
  c.Observe(0.05);
  c.Observe(5);
  auto snap = c.snapshot();
  ASSERT_EQ(snap.cumulative.size(), 4u);
  EXPECT_EQ(snap.cumulative[0], 1u);
  EXPECT_EQ(snap.cumulative[1], 3u);
  EXPECT_EQ(snap.cumulative[2], 3u);
  EXPECT_EQ(snap.cumulative[3], 4u);
  EXPECT_EQ(snap.count, 4u);
  EXPECT_NEAR(snap.sum, 5.105, 1e-9);
  std::string text = m.Render();
  EXPECT_NE(text.find("lat_seconds_bucket{route=\"/a\",le=\"0.01\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("lat_seconds_bucket{route=\"/a\",le=\"+Inf\"} 4\n"), std::string::npos) << text;
  EXPECT_NE(text.find("lat_seconds_count{route=\"/a\"} 4\n"), std::string::npos) << text;
}

TEST(Metrics, ConcurrentIncrementsAreNotLost) {
  Metrics m;
  auto& c = m.AddCounter("c_total", "c").With({});
  auto& h = m.AddHistogram("h", "h", {}, {1.0}).With({});
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t)
    ts.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        c.Inc();
        h.Observe(0.5);
      }
    });
  for (auto& t : ts) t.join();
  EXPECT_EQ(c.value(), 40000.0);
  EXPECT_EQ(h.snapshot().count, 40000u);
}

TEST(Metrics, GaugesAndCallbacksAndEscaping) {
  Metrics m;
  auto& g = m.AddGauge("q_depth", "depth", {"name"});
  g.With({"a\"b\\c\nd"}).Set(7);
  g.With({"a\"b\\c\nd"}).Add(-2);
  int calls = 0;
  m.AddCallbackGauge("cb", "callback", [&] { return ++calls * 1.5; });
  std::string text = m.Render();
  EXPECT_NE(text.find("q_depth{name=\"a\\\"b\\\\c\\nd\"} 5\n"), std::string::npos) << text;
  EXPECT_NE(text.find("cb 1.5\n"), std::string::npos) << text;
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace sentio
