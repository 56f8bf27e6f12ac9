// LoadClassifier / ResolveModelDir: model directories and shipped model names -> Classifier.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <boost/json.hpp>

#include "models/classifier.h"
#include "models/lexicon/vader.h"
#include "models/linear/linear_model.h"

#ifndef SENTIO_MODELS_SOURCE_DIR
#define SENTIO_MODELS_SOURCE_DIR "share/models"
#endif

namespace sentio::models {
namespace fs = std::filesystem;
namespace {

bool IsModelDir(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p / "model.json", ec);
}

std::vector<fs::path> SearchRoots() {
  std::vector<fs::path> roots;
  if (const char* env = std::getenv("SENTIO_MODELS_DIR"); env && *env) roots.emplace_back(env);
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) roots.push_back(exe.parent_path() / ".." / "share" / "sentio" / "models");
  roots.emplace_back(SENTIO_MODELS_SOURCE_DIR);
  roots.emplace_back(fs::path("share") / "models");
  return roots;
}

Result<std::unique_ptr<Classifier>> BuiltinLexicon() {
  auto lex = VaderLexicon::LoadBuiltin();
  if (!lex.ok()) return lex.status();
  return MakeLexiconClassifier(std::move(lex).value());
}

}  // namespace

Result<std::string> ResolveModelDir(std::string_view name_or_dir) {
  if (name_or_dir.empty()) return InvalidArgument("empty model name");
  const fs::path given{std::string(name_or_dir)};
  if (IsModelDir(given)) return given.string();
  const bool looks_like_path = name_or_dir.find('/') != std::string_view::npos || name_or_dir[0] == '.';
  if (looks_like_path) {
    return NotFound("model directory " + given.string() + " has no model.json");
  }
  std::string tried;
  for (const fs::path& root : SearchRoots()) {
    const fs::path p = root / given;
    if (IsModelDir(p)) return fs::weakly_canonical(p).string();
    tried += (tried.empty() ? "" : ", ") + p.string();
  }
  return NotFound("model \"" + std::string(name_or_dir) + "\" not found; tried: " + tried);
}

Result<std::unique_ptr<Classifier>> LoadClassifier(std::string_view name_or_dir) {
  auto dir = ResolveModelDir(name_or_dir);
  if (!dir.ok()) {
    if (name_or_dir == "lexicon") return BuiltinLexicon();
    return dir.status();
  }
  const std::string mpath = *dir + "/model.json";
  std::ifstream f(mpath);
  if (!f) return IoError(mpath + ": cannot open");
  std::stringstream ss;
  ss << f.rdbuf();
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(ss.str(), ec);
  if (ec || !v.is_object()) return DataLoss(mpath + ": not a JSON object");
  const auto* kind = v.as_object().if_contains("kind");
  if (!kind || !kind->is_string()) return DataLoss(mpath + ": missing \"kind\"");
  const std::string k(kind->as_string());
  if (k == "linear") {
    auto m = linear::LinearModel::Load(*dir);
    if (!m.ok()) return m.status();
    return std::unique_ptr<Classifier>(std::move(m).value());
  }
  if (k == "lexicon") return BuiltinLexicon();
  return Unprocessable(mpath + ": model kind \"" + k + "\" is not supported by this build");
}

}  // namespace sentio::models
