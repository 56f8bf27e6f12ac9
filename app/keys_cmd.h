// `sentio keys new|hash`: create API keys and the hashed lines of the keys file.
#pragma once

#include <CLI/CLI.hpp>

namespace sentio::app {
void RegisterKeysCommand(CLI::App& app);
}  // namespace sentio::app
