// Content hashing (xxh3-128): fast enough for the compile path, wide enough for keys.
#pragma once

#include "util/expected.h"

#include <xxhash.h>

#include <string>
#include <string_view>

namespace llmcc {

class Hasher {
public:
  Hasher();
  ~Hasher();
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;

  Hasher& update(std::string_view data);
  // Adds a length prefix so ("ab","c") and ("a","bc") hash differently.
  Hasher& field(std::string_view data);
  Status update_file(const std::string& path);
  std::string hex() const; // 32 hex chars

private:
  XXH3_state_t* m_state;
};

std::string hash_hex(std::string_view data);
Expected<std::string> hash_file_hex(const std::string& path);

} // namespace llmcc
