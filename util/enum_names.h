#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

namespace llmcc {

// One table per enum serves both directions, so a spelling cannot drift
// between the writer and the reader of a database column or a flag.
template <typename E, size_t N> using EnumNames = std::array<std::pair<E, std::string_view>, N>;

template <typename E, size_t N> std::optional<E> from_names(const EnumNames<E, N>& names, std::string_view s) {
  for (const auto& [e, name] : names) {
    if (name == s) {
      return e;
    }
  }
  return std::nullopt;
}

template <typename E, size_t N>
std::string_view name_of(const EnumNames<E, N>& names, E e, std::string_view fallback = "unknown") {
  for (const auto& [v, name] : names) {
    if (v == e) {
      return name;
    }
  }
  return fallback;
}

} // namespace llmcc
