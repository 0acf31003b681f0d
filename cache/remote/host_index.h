// The per-host entries of a class, named in one index key beside them
// ("llmcc/v1/<class>/index"), so a pull finds them on a store that cannot list
// a directory: an object store or a WebDAV server without a JSON autoindex.
// Every push adds its entry's name when the index lacks it. Two hosts adding
// themselves at the same moment can lose one name; that host's next push puts
// it back, and a store that lists still lists it meanwhile.
#pragma once

#include "cache/remote/remote_store.h"

#include <string>
#include <vector>

namespace llmcc {

std::string host_index_key(const std::string& hw_class);

// The index's entry keys (full keys under hosts_prefix). A missing index is
// ok() with no keys; an unreadable one is an Error saying so, never a crash.
// Names outside is_plain_key_name are left out, at most kMaxRemoteListKeys.
RemoteReply read_host_index(RemoteStore& store, const std::string& hw_class);

// Adds `entry_key` (a key under hosts_prefix(hw_class)) to the index unless it
// is there. An unreadable index is replaced by one naming this entry.
RemoteReply add_to_host_index(RemoteStore& store, const std::string& hw_class, const std::string& entry_key);

} // namespace llmcc
