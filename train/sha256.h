// SHA-256 (FIPS 180-4), for training-data digests recorded in model.json.
#pragma once

#include <string>
#include <string_view>

namespace sentio::train {

// Lowercase hex digest of `data`.
std::string Sha256Hex(std::string_view data);

}  // namespace sentio::train
