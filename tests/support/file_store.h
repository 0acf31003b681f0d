// A file: remote store in a directory, as the remote tests without a server open it.
#pragma once

#include "cache/remote/remote_store.h"

#include <memory>
#include <string>

namespace llmcc::testing {

// nullptr when the store cannot be opened (the caller asserts).
inline std::unique_ptr<RemoteStore> open_file_store(const std::string& dir) {
  RemoteSpec spec;
  spec.url = "file:" + dir;
  auto store = open_remote_store(spec);
  return store ? std::move(*store) : nullptr;
}

} // namespace llmcc::testing
