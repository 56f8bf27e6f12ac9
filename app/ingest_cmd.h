// `sentio ingest synth|file`: push posts into a running Sentio over HTTP.
#pragma once

#include <CLI/CLI.hpp>

namespace sentio::app {
void RegisterIngestCommand(CLI::App& app);
}  // namespace sentio::app
