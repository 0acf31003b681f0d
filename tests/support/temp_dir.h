// A fresh directory under the system temp directory, removed with everything in
// it by the destructor. path() is empty when it could not be created, so a test
// can assert on it instead of failing later with a confusing error.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

namespace llmcc::testing {

class TempDir {
public:
  explicit TempDir(std::string_view prefix = "llmcc-test-") {
    std::error_code ec;
    std::filesystem::path base = std::filesystem::temp_directory_path(ec);
    std::string templ =
        ((ec ? std::filesystem::path("/tmp") : base) / (std::string(prefix) + "XXXXXX")).string();
    if (::mkdtemp(templ.data())) {
      m_path = templ;
    }
  }
  ~TempDir() {
    if (!m_path.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(m_path, ec);
    }
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return m_path; }

private:
  std::string m_path;
};

} // namespace llmcc::testing
