#include "tuner/binary_install.h"

#include <fmt/format.h>

#include <filesystem>

namespace llmcc {

Status install_binary(const std::string& from, const std::string& to) {
  std::error_code ec;
  std::string tmp = to + ".llmcc-swap";
  std::filesystem::copy_file(from, tmp, std::filesystem::copy_options::overwrite_existing, ec);
  if (ec) {
    return Error{fmt::format("cannot copy {}: {}", from, ec.message())};
  }
  std::filesystem::rename(tmp, to, ec);
  if (ec) {
    return Error{fmt::format("cannot install {}: {}", to, ec.message())};
  }
  return {};
}

Status save_program(const std::vector<std::string>& files, const std::string& copy) {
  std::error_code ec;
  std::filesystem::create_directories(copy, ec);
  if (ec) {
    return Error{fmt::format("cannot create {}: {}", copy, ec.message())};
  }
  for (size_t i = 0; i < files.size(); ++i) {
    if (Status s = install_binary(files[i], fmt::format("{}/{}", copy, i)); !s) {
      return s;
    }
  }
  return {};
}

Status install_program(const std::string& copy, const std::vector<std::string>& files) {
  for (size_t i = 0; i < files.size(); ++i) {
    if (Status s = install_binary(fmt::format("{}/{}", copy, i), files[i]); !s) {
      return s;
    }
  }
  return {};
}

} // namespace llmcc
