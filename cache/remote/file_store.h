// file:/shared/dir: a directory (NFS, a mounted share); writes are atomic renames.
#pragma once

#include "cache/remote/remote_store.h"

namespace llmcc {

Expected<std::unique_ptr<RemoteStore>> make_file_store(const RemoteSpec& spec);

} // namespace llmcc
