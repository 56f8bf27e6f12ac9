// weights.bin: the binary half of a linear model directory.
//
// Layout (little-endian):
//   char[8]  magic "SNTOLIN1"
//   u32      format_version (kWeightsFormatVersion)
//   u32      header_bytes   (size of this header, for forward compatibility)
//   u32      n_labels
//   u32      dims           (row width: n_labels rounded up to a multiple of 4)
//   u32      buckets
//   u32      dtype          (1 = int8, 2 = int16 quantised weights)
//   u32      hash_version   (FeatureConfig::hash_version: 1 or 2, models/linear/hash.h)
//   u32      word_ngrams, minn, maxn, feature_flags (bit0 flags, bit1 lexicon)
//   u32      reserved (0)
//   u64      payload_bytes
//   u32      payload_crc32  (zlib crc32 of the payload)
//   u32      header_crc32   (crc32 of every header byte before this field)
// payload:
//   f32[dims] scale   (per label: weight = q * scale)
//   f32[dims] bias
//   T[buckets * dims] quantised weights, row-major (row = bucket)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/huge_pages.h"
#include "core/status.h"
#include "models/linear/features.h"

namespace sentio::models::linear {

inline constexpr char kWeightsMagic[8] = {'S', 'N', 'T', 'O', 'L', 'I', 'N', '1'};
inline constexpr std::uint32_t kWeightsFormatVersion = 1;

enum class DType : std::uint32_t { kInt8 = 1, kInt16 = 2 };

struct WeightsData {
  std::uint32_t n_labels = 0;
  std::uint32_t dims = 0;
  DType dtype = DType::kInt8;
  FeatureConfig features;
  std::vector<float> scale;          // dims
  std::vector<float> bias;           // dims
  // buckets * dims when dtype == kInt8 / kInt16; read at random, so on huge pages where the
  // kernel has them (core/huge_pages.h)
  std::vector<std::int8_t, HugePageAllocator<std::int8_t>> q8;
  std::vector<std::int16_t, HugePageAllocator<std::int16_t>> q16;
};

inline std::uint32_t PaddedDims(std::uint32_t n_labels) { return (n_labels + 3u) & ~3u; }

// Writes atomically (temp file + rename).
Status WriteWeightsFile(const std::string& path, const WeightsData& w);
// Validates magic, version, sizes, hash version and checksums; errors name the file.
Result<WeightsData> ReadWeightsFile(const std::string& path);

}  // namespace sentio::models::linear
