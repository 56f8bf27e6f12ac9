#include "models/linear/weights_file.h"

#include <zlib.h>

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "models/linear/hash.h"

namespace sentio::models::linear {
namespace {

static_assert(std::endian::native == std::endian::little, "weights.bin is little-endian");

#pragma pack(push, 1)
struct Header {
  char magic[8];
  std::uint32_t format_version;
  std::uint32_t header_bytes;
  std::uint32_t n_labels;
  std::uint32_t dims;
  std::uint32_t buckets;
  std::uint32_t dtype;
  std::uint32_t hash_version;
  std::uint32_t word_ngrams;
  std::uint32_t minn;
  std::uint32_t maxn;
  std::uint32_t feature_flags;
  std::uint32_t reserved;  // 0
  std::uint64_t payload_bytes;
  std::uint32_t payload_crc32;
  std::uint32_t header_crc32;
};
#pragma pack(pop)
static_assert(sizeof(Header) == 72);

std::size_t ElemSize(DType d) { return d == DType::kInt8 ? 1 : 2; }

}  // namespace

Status WriteWeightsFile(const std::string& path, const WeightsData& w) {
  const std::uint64_t cells = static_cast<std::uint64_t>(w.features.buckets) * w.dims;
  const void* data = w.dtype == DType::kInt8 ? static_cast<const void*>(w.q8.data())
                                             : static_cast<const void*>(w.q16.data());
  const std::size_t have = w.dtype == DType::kInt8 ? w.q8.size() : w.q16.size();
  if (w.scale.size() != w.dims || w.bias.size() != w.dims || have != cells || w.dims == 0 ||
      w.n_labels == 0 || w.n_labels > w.dims || w.features.hash_version < kMinFeatureHashVersion ||
      w.features.hash_version > kFeatureHashVersion) {
    return Internal(path + ": inconsistent weights in memory (bug)");
  }
  Header h{};
  std::memcpy(h.magic, kWeightsMagic, 8);
  h.format_version = kWeightsFormatVersion;
  h.header_bytes = sizeof(Header);
  h.n_labels = w.n_labels;
  h.dims = w.dims;
  h.buckets = w.features.buckets;
  h.dtype = static_cast<std::uint32_t>(w.dtype);
  h.hash_version = w.features.hash_version;
  h.word_ngrams = w.features.word_ngrams;
  h.minn = w.features.minn;
  h.maxn = w.features.maxn;
  h.feature_flags = (w.features.flag_features ? 1u : 0u) | (w.features.lexicon_features ? 2u : 0u);
  const std::size_t vec_bytes = w.dims * sizeof(float);
  h.payload_bytes = 2 * vec_bytes + cells * ElemSize(w.dtype);
  auto crc = static_cast<std::uint32_t>(::crc32_z(0L, Z_NULL, 0));
  crc = static_cast<std::uint32_t>(::crc32_z(crc, reinterpret_cast<const Bytef*>(w.scale.data()), vec_bytes));
  crc = static_cast<std::uint32_t>(::crc32_z(crc, reinterpret_cast<const Bytef*>(w.bias.data()), vec_bytes));
  crc = static_cast<std::uint32_t>(
      ::crc32_z(crc, static_cast<const Bytef*>(data), cells * ElemSize(w.dtype)));
  h.payload_crc32 = crc;
  h.header_crc32 = static_cast<std::uint32_t>(
      ::crc32_z(::crc32_z(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(&h), offsetof(Header, header_crc32)));

  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) return IoError(tmp + ": cannot open for writing");
    f.write(reinterpret_cast<const char*>(&h), sizeof h);
    f.write(reinterpret_cast<const char*>(w.scale.data()), static_cast<std::streamsize>(vec_bytes));
    f.write(reinterpret_cast<const char*>(w.bias.data()), static_cast<std::streamsize>(vec_bytes));
    f.write(static_cast<const char*>(data), static_cast<std::streamsize>(cells * ElemSize(w.dtype)));
    f.flush();
    if (!f) return IoError(tmp + ": write failed");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return IoError(path + ": rename failed: " + ec.message());
  return Status::Ok();
}

Result<WeightsData> ReadWeightsFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return IoError(path + ": cannot open weights file");
  f.seekg(0, std::ios::end);
  const auto size = static_cast<std::uint64_t>(f.tellg());
  f.seekg(0);
  Header h{};
  if (size < sizeof(Header)) {
    return DataLoss(path + ": truncated: " + std::to_string(size) + " bytes, header needs " +
                    std::to_string(sizeof(Header)));
  }
  f.read(reinterpret_cast<char*>(&h), sizeof h);
  if (std::memcmp(h.magic, kWeightsMagic, 8) != 0) {
    return DataLoss(path + ": bad magic (not a Sentio linear weights file, expected SNTOLIN1)");
  }
  if (h.format_version != kWeightsFormatVersion) {
    return DataLoss(path + ": unsupported format version " + std::to_string(h.format_version) +
                    " (this build reads " + std::to_string(kWeightsFormatVersion) + ")");
  }
  const auto hcrc = static_cast<std::uint32_t>(
      ::crc32_z(::crc32_z(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(&h), offsetof(Header, header_crc32)));
  if (hcrc != h.header_crc32) return DataLoss(path + ": header checksum mismatch (corrupt file)");
  if (h.header_bytes != sizeof(Header)) {
    return DataLoss(path + ": unexpected header size " + std::to_string(h.header_bytes));
  }
  if (h.hash_version < kMinFeatureHashVersion || h.hash_version > kFeatureHashVersion) {
    return DataLoss(path + ": feature hash version " + std::to_string(h.hash_version) + " is not one this build reads (" +
                    std::to_string(kMinFeatureHashVersion) + "-" + std::to_string(kFeatureHashVersion) + ")");
  }
  if (h.dtype != 1 && h.dtype != 2) return DataLoss(path + ": unknown dtype " + std::to_string(h.dtype));
  if (h.n_labels == 0 || h.n_labels > 4096 || h.dims != PaddedDims(h.n_labels)) {
    return DataLoss(path + ": bad shape: n_labels=" + std::to_string(h.n_labels) +
                    " dims=" + std::to_string(h.dims));
  }
  if (h.buckets == 0 || h.buckets > (1u << 26)) {
    return DataLoss(path + ": bad bucket count " + std::to_string(h.buckets));
  }
  WeightsData w;
  w.n_labels = h.n_labels;
  w.dims = h.dims;
  w.dtype = static_cast<DType>(h.dtype);
  w.features.buckets = h.buckets;
  w.features.word_ngrams = h.word_ngrams;
  w.features.minn = h.minn;
  w.features.maxn = h.maxn;
  w.features.flag_features = (h.feature_flags & 1u) != 0;
  w.features.lexicon_features = (h.feature_flags & 2u) != 0;
  w.features.hash_version = h.hash_version;
  const std::uint64_t cells = static_cast<std::uint64_t>(h.buckets) * h.dims;
  const std::size_t vec_bytes = h.dims * sizeof(float);
  const std::uint64_t expect = 2 * vec_bytes + cells * ElemSize(w.dtype);
  if (h.payload_bytes != expect) {
    return DataLoss(path + ": payload size " + std::to_string(h.payload_bytes) +
                    " does not match shape (expected " + std::to_string(expect) + ")");
  }
  if (size != sizeof(Header) + expect) {
    return DataLoss(path + ": file is " + std::to_string(size) + " bytes, expected " +
                    std::to_string(sizeof(Header) + expect) +
                    (size < sizeof(Header) + expect ? " (truncated)" : " (trailing data)"));
  }
  w.scale.resize(h.dims);
  w.bias.resize(h.dims);
  f.read(reinterpret_cast<char*>(w.scale.data()), static_cast<std::streamsize>(vec_bytes));
  f.read(reinterpret_cast<char*>(w.bias.data()), static_cast<std::streamsize>(vec_bytes));
  void* data;
  if (w.dtype == DType::kInt8) {
    w.q8.resize(cells);
    data = w.q8.data();
  } else {
    w.q16.resize(cells);
    data = w.q16.data();
  }
  f.read(static_cast<char*>(data), static_cast<std::streamsize>(cells * ElemSize(w.dtype)));
  if (!f) return IoError(path + ": read failed");
  auto crc = static_cast<std::uint32_t>(::crc32_z(0L, Z_NULL, 0));
  crc = static_cast<std::uint32_t>(::crc32_z(crc, reinterpret_cast<const Bytef*>(w.scale.data()), vec_bytes));
  crc = static_cast<std::uint32_t>(::crc32_z(crc, reinterpret_cast<const Bytef*>(w.bias.data()), vec_bytes));
  crc = static_cast<std::uint32_t>(
      ::crc32_z(crc, static_cast<const Bytef*>(data), cells * ElemSize(w.dtype)));
  if (crc != h.payload_crc32) return DataLoss(path + ": payload checksum mismatch (corrupt file)");
  for (std::uint32_t i = 0; i < h.dims; ++i) {
    if (!std::isfinite(w.scale[i]) || !std::isfinite(w.bias[i])) {
      return DataLoss(path + ": non-finite scale/bias");
    }
  }
  return w;
}

}  // namespace sentio::models::linear
