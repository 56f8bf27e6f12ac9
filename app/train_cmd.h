// `sentio train`: train a linear model from labelled TSV/JSONL/CSV into a model directory.
#pragma once

#include <CLI/CLI.hpp>

namespace sentio::app {

void RegisterTrainCommand(CLI::App& app);

}  // namespace sentio::app
