// sentio: one binary, many verbs. This is the composition root: each verb builds the
// objects it needs and passes them in; nothing global but the logger's configuration.
#include <CLI/CLI.hpp>
#include <curl/curl.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>

#include "app/analyze_cmd.h"
#include "app/ingest_cmd.h"
#include "app/keys_cmd.h"
#include "app/serve_cmd.h"
#ifdef SENTIO_HAVE_TRAIN_CMD
#include "app/eval_cmd.h"
#include "app/train_cmd.h"
#endif

int main(int argc, char** argv) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  CLI::App app{"Sentio: real-time audience sentiment (serve, analyze, train, eval, ingest, worker)", "sentio"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("sentio ") + SENTIO_VERSION);
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "trace|debug|info|warn|error|off")
      ->envname("SENTIO_LOG_LEVEL")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))
      ->capture_default_str();
  app.parse_complete_callback([&] {
    auto logger = spdlog::default_logger();
    logger->sinks().clear();
    auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    logger->sinks().push_back(sink);
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
    spdlog::set_level(spdlog::level::from_str(log_level));
  });

  sentio::app::RegisterServeCommand(app);
  sentio::app::RegisterAnalyzeCommand(app);
#ifdef SENTIO_HAVE_TRAIN_CMD
  sentio::app::RegisterTrainCommand(app);
  sentio::app::RegisterEvalCommand(app);
#endif
  sentio::app::RegisterIngestCommand(app);
  sentio::app::RegisterWorkerCommand(app);
  sentio::app::RegisterKeysCommand(app);
  app.add_subcommand("version", "Print the version")->callback([] { std::printf("sentio %s\n", SENTIO_VERSION); });

  int rc = 0;
  try {
    app.parse(argc, argv);
  } catch (const CLI::RuntimeError& e) {
    rc = e.get_exit_code();
  } catch (const CLI::ParseError& e) {
    rc = app.exit(e);
    if (rc != 0) rc = 2;
  }
  curl_global_cleanup();
  return rc;
}
