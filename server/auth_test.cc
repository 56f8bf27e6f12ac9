#include "server/auth.h"

#include <gtest/gtest.h>

namespace sentio::server {
namespace {

using namespace std::chrono_literals;

TEST(Auth, HashIsSha256Hex) {
  EXPECT_EQ(HashApiKey("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  auto k = GenerateApiKey();
  EXPECT_EQ(k.size(), 43u);
  EXPECT_NE(k, GenerateApiKey());
}

std::unique_ptr<Authenticator> Make() {
  std::string text = "# comment\n\n{\"name\":\"reader\",\"key_sha256\":\"" + HashApiKey("r-key") +
                     "\",\"scopes\":[\"read\"],\"rate_per_s\":1,\"burst\":2}\n"
                     "{\"name\":\"boss\",\"key_sha256\":\"" + HashApiKey("a-key") + "\",\"scopes\":[\"admin\"]}\n";
  auto a = Authenticator::FromJsonLines(text);
  EXPECT_TRUE(a.ok()) << a.status().to_string();
  return std::move(a).value();
}

TEST(Auth, ScopesAndUnknownKeys) {
  auto a = Make();
  EXPECT_EQ(a->size(), 2u);
  const auto t = std::chrono::steady_clock::now();
  std::string who;
  EXPECT_FALSE(a->Check("Bearer a-key", Scope::kAdmin, t, &who).has_value());
  EXPECT_EQ(who, "boss");
  EXPECT_FALSE(a->Check("bearer a-key", Scope::kIngest, t, &who).has_value());
  auto e = a->Check("Bearer nope", Scope::kRead, t, &who);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, Code::kUnauthenticated);
  e = a->Check("", Scope::kRead, t, &who);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, Code::kUnauthenticated);
  e = a->Check("Basic cjpr", Scope::kRead, t, &who);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, Code::kUnauthenticated);
  e = a->Check("Bearer r-key", Scope::kIngest, t, &who);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, Code::kPermissionDenied);
}

TEST(Auth, TokenBucketLimitsAndRefills) {
  auto a = Make();
  auto t = std::chrono::steady_clock::now();
  std::string who;
  EXPECT_FALSE(a->Check("Bearer r-key", Scope::kRead, t, &who));
  EXPECT_FALSE(a->Check("Bearer r-key", Scope::kRead, t, &who));  // burst 2
  auto e = a->Check("Bearer r-key", Scope::kRead, t, &who);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, Code::kResourceExhausted);
  EXPECT_GE(e->retry_after_s, 1);
  EXPECT_FALSE(a->Check("Bearer r-key", Scope::kRead, t + 1100ms, &who));  // 1 token/s refill
  EXPECT_TRUE(a->Check("Bearer r-key", Scope::kRead, t + 1200ms, &who));
}

TEST(Auth, BadFilesNameTheLine) {
  auto r = Authenticator::FromJsonLines("{\"name\":\"x\",\"key_sha256\":\"zz\",\"scopes\":[]}\n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("line 1"), std::string::npos);
  r = Authenticator::FromJsonLines("\n{\"name\":\"x\",\"key_sha256\":\"" + HashApiKey("k") + "\",\"scopes\":[\"root\"]}");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("line 2"), std::string::npos);
  EXPECT_FALSE(Authenticator::FromJsonLines("# only comments\n").ok());
  EXPECT_FALSE(Authenticator::LoadFile("/nonexistent/keys.jsonl").ok());
}

}  // namespace
}  // namespace sentio::server
