// redis://[[user:]pass@]host[:port][/db]: GET, SET and DEL of one key each
// (hiredis); the password may also come from LLMCC_REDIS_PASSWORD.
#pragma once

#include "cache/remote/remote_store.h"

namespace llmcc {

Expected<std::unique_ptr<RemoteStore>> make_redis_store(const RemoteSpec& spec);

} // namespace llmcc
