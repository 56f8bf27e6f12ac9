#include "app/keys_cmd.h"

#include <boost/json.hpp>

#include <cstdio>
#include <iostream>

#include "core/json_writer.h"
#include "server/auth.h"

namespace sentio::app {

void RegisterKeysCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("keys", "Create API keys and lines for the --api-keys-file (keys are stored hashed)");
  cmd->require_subcommand(1);
  auto key = std::make_shared<std::string>();
  auto* hash = cmd->add_subcommand("hash", "Print the SHA-256 of a key (from the argument or stdin)");
  hash->add_option("key", *key, "The key (omit to read one line from stdin)");
  hash->callback([key] {
    std::string k = *key;
    if (k.empty()) std::getline(std::cin, k);
    if (k.empty()) {
      std::fprintf(stderr, "error: empty key\n");
      throw CLI::RuntimeError(2);
    }
    std::printf("%s\n", server::HashApiKey(k).c_str());
  });
  struct NewArgs {
    std::string name = "default";
    std::vector<std::string> scopes{"read", "ingest"};
    double rate = 100, burst = 200;
  };
  auto na = std::make_shared<NewArgs>();
  auto* nw = cmd->add_subcommand("new", "Generate a key; prints the key (stderr) and its keys-file line (stdout)");
  nw->add_option("--name", na->name, "Key name")->capture_default_str();
  nw->add_option("--scopes", na->scopes, "Scopes: read, ingest, admin")->delimiter(',')
      ->check(CLI::IsMember({"read", "ingest", "admin"}))->capture_default_str();
  nw->add_option("--rate", na->rate, "Requests per second")->capture_default_str();
  nw->add_option("--burst", na->burst, "Burst size")->capture_default_str();
  nw->callback([na] {
    std::string k = server::GenerateApiKey();
    boost::json::array scopes;
    for (const auto& s : na->scopes) scopes.emplace_back(s);
    boost::json::object line{{"name", na->name}, {"key_sha256", server::HashApiKey(k)}, {"scopes", scopes},
                             {"rate_per_s", na->rate}, {"burst", na->burst}};
    std::fprintf(stderr, "API key (shown once, keep it secret): %s\n", k.c_str());
    std::printf("%s\n", ToJson(line).c_str());
  });
}

}  // namespace sentio::app
