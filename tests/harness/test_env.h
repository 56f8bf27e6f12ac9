// Test helpers for the scale-out tests: where the throwaway servers are.
#pragma once

#include <string>

namespace sentio::testing {

// Value of `name` from the environment, else from the KEY=VALUE files listed (':'-separated)
// in SENTIO_TEST_ENV_FILES (written by the CTest fixtures); "" when unknown.
std::string TestEnv(const std::string& name);

// A name unique to this process and call, usable as a Redis key prefix or SQL schema
// ("t_<pid>_<counter>_<random>"), so tests running in parallel never share data.
std::string UniqueName(const std::string& stem);

// Runs a harness script (tests/harness/NAME) with arguments; returns its stdout (trimmed),
// or "" and sets *ok=false on failure.
std::string RunHarness(const std::string& script_and_args, bool* ok);

}  // namespace sentio::testing
