#pragma once

#include <string_view>

namespace llmcc {

// The first item of `items` whose `name` is `name`, or null: the lookup every
// by-name table (option tables, CMake targets) answers.
template <typename Items> auto find_named(const Items& items, std::string_view name) -> decltype(&*items.begin()) {
  for (const auto& item : items) {
    if (item.name == name) {
      return &item;
    }
  }
  return nullptr;
}

} // namespace llmcc
