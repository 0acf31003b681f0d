// Errors as values at module edges: a small stand-in for C++23 std::expected.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace llmcc {

struct Error {
  std::string message;
};

template <class T> class Expected {
public:
  Expected(T value) : m_v(std::move(value)) {}
  Expected(Error error) : m_v(std::move(error)) {}

  bool ok() const { return m_v.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(m_v); }
  const T& value() const { return std::get<0>(m_v); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(m_v); }
  T value_or(T fallback) const { return ok() ? value() : std::move(fallback); }

private:
  std::variant<T, Error> m_v;
};

// For operations that return nothing but can fail.
class Status {
public:
  Status() = default;
  Status(Error error) : m_error(std::move(error.message)), m_failed(true) {}
  static Status success() { return {}; }
  bool ok() const { return !m_failed; }
  explicit operator bool() const { return ok(); }
  const std::string& message() const { return m_error; }

private:
  std::string m_error;
  bool m_failed = false;
};

} // namespace llmcc
