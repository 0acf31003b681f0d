// A C++ record format built on the C primitives: fields are varint-encoded,
// the whole record travels as base64 text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mixed {

struct Record {
  std::string name;
  std::vector<std::uint64_t> values;

  bool operator==(const Record& other) const { return name == other.name && values == other.values; }
};

std::string serialize(const Record& r);
std::optional<Record> deserialize(const std::string& text);

} // namespace mixed
