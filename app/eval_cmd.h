// `sentio eval`: evaluate a model (shipped name or directory) on labelled data.
#pragma once

#include <CLI/CLI.hpp>

namespace sentio::app {

void RegisterEvalCommand(CLI::App& app);

}  // namespace sentio::app
