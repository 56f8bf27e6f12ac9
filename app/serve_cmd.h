// `sentio serve` (the main job) and `sentio worker` (scale-out consumer).
#pragma once

#include <CLI/CLI.hpp>

namespace sentio::app {
void RegisterServeCommand(CLI::App& app);
void RegisterWorkerCommand(CLI::App& app);
}  // namespace sentio::app
