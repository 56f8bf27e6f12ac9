#include "tests/harness/test_env.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

namespace sentio::testing {

std::string TestEnv(const std::string& name) {
  if (const char* v = std::getenv(name.c_str()); v && *v) return v;
  const char* files = std::getenv("SENTIO_TEST_ENV_FILES");
  if (!files) return {};
  std::stringstream list(files);
  std::string path;
  while (std::getline(list, path, ':')) {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
      auto eq = line.find('=');
      if (eq != std::string::npos && line.substr(0, eq) == name) return line.substr(eq + 1);
    }
  }
  return {};
}

std::string UniqueName(const std::string& stem) {
  static std::atomic<int> counter{0};
  std::mt19937 rng{std::random_device{}()};
  return stem + "_" + std::to_string(getpid()) + "_" + std::to_string(counter++) + "_" +
         std::to_string(rng() % 100000);
}

std::string RunHarness(const std::string& script_and_args, bool* ok) {
  std::string cmd = std::string(SENTIO_HARNESS_DIR) + "/" + script_and_args;
  std::string out;
  FILE* f = popen(cmd.c_str(), "r");
  if (!f) {
    *ok = false;
    return {};
  }
  char buf[512];
  while (size_t n = fread(buf, 1, sizeof(buf), f)) out.append(buf, n);
  int rc = pclose(f);
  *ok = rc == 0;
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

}  // namespace sentio::testing
