#include "util/hash.h"

#include <fmt/format.h>

#include <cstdio>
#include <memory>

namespace llmcc {

Hasher::Hasher() : m_state(XXH3_createState()) { XXH3_128bits_reset(m_state); }
Hasher::~Hasher() { XXH3_freeState(m_state); }

Hasher& Hasher::update(std::string_view data) {
  XXH3_128bits_update(m_state, data.data(), data.size());
  return *this;
}

Hasher& Hasher::field(std::string_view data) {
  uint64_t n = data.size();
  XXH3_128bits_update(m_state, &n, sizeof n);
  return update(data);
}

Status Hasher::update_file(const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) {
    return Error{fmt::format("cannot read {}", path)};
  }
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0) {
    XXH3_128bits_update(m_state, buf, n);
  }
  return {};
}

std::string Hasher::hex() const {
  XXH128_hash_t h = XXH3_128bits_digest(m_state);
  return fmt::format("{:016x}{:016x}", h.high64, h.low64);
}

std::string hash_hex(std::string_view data) {
  Hasher h;
  h.update(data);
  return h.hex();
}

Expected<std::string> hash_file_hex(const std::string& path) {
  Hasher h;
  if (Status s = h.update_file(path); !s) {
    return Error{s.message()};
  }
  return h.hex();
}

} // namespace llmcc
