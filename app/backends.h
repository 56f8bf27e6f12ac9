// Builds the Store and Queue chosen by configuration: "sqlite"/"embedded" (one SQLite file
// under the data dir) or postgres:// / redis:// URLs for scale-out.
#pragma once

#include <memory>
#include <string>

#include "core/status.h"
#include "queue/queue.h"
#include "storage/store.h"

namespace sentio::app {

struct BackendConfig {
  std::string data_dir = "./sentio-data";
  std::string store = "sqlite";      // sqlite | postgres://...
  std::string queue = "embedded";    // embedded | redis://...
  int max_queue_attempts = 5;
};

struct Backends {
  std::shared_ptr<void> keepalive;   // shared resources (e.g. the SQLite file) owned here
  std::unique_ptr<storage::Store> store;
  std::unique_ptr<queue::Queue> queue;
};

Result<Backends> OpenBackends(const BackendConfig& cfg);

}  // namespace sentio::app
