// `sentio analyze`: classify texts from stdin/files -> one JSON object per input, in order.
#pragma once

#include <CLI/CLI.hpp>

namespace sentio::app {
void RegisterAnalyzeCommand(CLI::App& app);
}  // namespace sentio::app
