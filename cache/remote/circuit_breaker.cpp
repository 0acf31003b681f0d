#include "cache/remote/circuit_breaker.h"

#include "util/fs.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace llmcc {

namespace {

int64_t int_field(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  return it != j.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

} // namespace

CircuitBreaker CircuitBreaker::load(const std::string& path) {
  CircuitBreaker b;
  b.m_path = path;
  auto text = fs::read_file(path);
  if (!text) {
    return b;
  }
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (!j.is_object() || !j.contains("stores") || !j["stores"].is_object()) {
    return b;
  }
  for (const auto& [store, s] : j["stores"].items()) {
    if (!s.is_object()) {
      continue;
    }
    BreakerState st;
    st.failures = static_cast<int>(std::clamp<int64_t>(int_field(s, "failures"), 0, 64));
    st.open_until = int_field(s, "open_until");
    st.read_only_until = int_field(s, "read_only_until");
    b.m_stores[store] = st;
  }
  return b;
}

Status CircuitBreaker::save() const {
  nlohmann::json stores = nlohmann::json::object();
  for (const auto& [store, s] : m_stores) {
    stores[store] = {{"failures", s.failures}, {"open_until", s.open_until}, {"read_only_until", s.read_only_until}};
  }
  return fs::write_file_atomic(m_path, nlohmann::json{{"stores", stores}}.dump(1) + "\n");
}

bool CircuitBreaker::is_open(const std::string& store, int64_t now) const { return state(store).open_until > now; }

bool CircuitBreaker::is_read_only(const std::string& store, int64_t now) const {
  return state(store).read_only_until > now;
}

const BreakerState& CircuitBreaker::state(const std::string& store) const {
  static const BreakerState closed;
  auto it = m_stores.find(store);
  return it == m_stores.end() ? closed : it->second;
}

void CircuitBreaker::record(const std::string& store, RemoteFailure failure, bool write, int64_t now) {
  BreakerState& s = m_stores[store];
  if (failure == RemoteFailure::None) {
    s.failures = 0;
    s.open_until = 0;
    return;
  }
  if (write && failure == RemoteFailure::Denied) {
    // The store answered: it is up, only not ours to write.
    s.read_only_until = now + kReadOnlySeconds;
    return;
  }
  s.failures = std::min(s.failures + 1, 64);
  int64_t open = kFirstOpenSeconds;
  for (int i = 1; i < s.failures && open < kMaxOpenSeconds; ++i) {
    open *= 2;
  }
  s.open_until = now + std::min(open, kMaxOpenSeconds);
}

} // namespace llmcc
