// The SQLite schema of embedded mode (store + queue in one file), as ordered migrations.
// Append new migrations; never edit a released one.
#pragma once

#include <string_view>
#include <vector>

#include "storage/sqlite_db.h"

namespace sentio::storage {

std::vector<Migration> SentioMigrations();

// Rollup tables keep one row per (period, source, video_id, bucket). This value in the
// source / video_id column means "all": each analysis updates the 4 combinations
// (source|all) x (video|all) so every Aggregate is a single index range scan.
inline constexpr std::string_view kRollupAll = "\x01";

}  // namespace sentio::storage
