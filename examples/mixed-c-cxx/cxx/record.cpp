#include "record.h"

#include "base64.h"
#include "varint.h"

namespace mixed {

std::string serialize(const Record& r) {
  std::vector<unsigned char> bytes;
  unsigned char buf[10];
  auto put = [&](std::uint64_t v) {
    std::size_t n = varint_encode(v, buf);
    bytes.insert(bytes.end(), buf, buf + n);
  };
  put(r.name.size());
  bytes.insert(bytes.end(), r.name.begin(), r.name.end());
  put(r.values.size());
  for (auto v : r.values) {
    put(v);
  }
  std::string text(base64_encoded_size(bytes.size()), '\0');
  text.resize(base64_encode(bytes.data(), bytes.size(), text.data()));
  return text;
}

std::optional<Record> deserialize(const std::string& text) {
  std::vector<unsigned char> bytes(text.size() / 4 * 3 + 3);
  std::size_t n = base64_decode(text.data(), text.size(), bytes.data());
  if (n == static_cast<std::size_t>(-1)) {
    return std::nullopt;
  }
  std::size_t pos = 0;
  auto get = [&](std::uint64_t& v) {
    std::size_t used = varint_decode(bytes.data() + pos, n - pos, &v);
    pos += used;
    return used != 0;
  };
  Record r;
  std::uint64_t len = 0;
  if (!get(len) || len > n - pos) {
    return std::nullopt;
  }
  r.name.assign(reinterpret_cast<const char*>(bytes.data() + pos), len);
  pos += len;
  std::uint64_t count = 0;
  if (!get(count) || count > n - pos) {
    return std::nullopt;
  }
  for (std::uint64_t i = 0; i < count; ++i) {
    std::uint64_t v = 0;
    if (!get(v)) {
      return std::nullopt;
    }
    r.values.push_back(v);
  }
  if (pos != n) {
    return std::nullopt;
  }
  return r;
}

} // namespace mixed
