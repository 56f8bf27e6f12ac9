// sentio: one binary, many verbs. The composition root: builds every object, passes it in.
#include <CLI/CLI.hpp>

#include <cstdio>

int main(int argc, char** argv) {
  CLI::App app{"Sentio: real-time audience sentiment"};
  app.require_subcommand(1);
  app.add_subcommand("version", "Print the version")->callback([] { std::puts(SENTIO_VERSION); });
  CLI11_PARSE(app, argc, argv);
  return 0;
}
