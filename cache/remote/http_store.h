// http:// and https://: GET, PUT, DELETE on <url>/<key>, as nginx's WebDAV
// module or any object store speaking plain HTTP serves them (libcurl).
#pragma once

#include "cache/remote/remote_store.h"

namespace llmcc {

Expected<std::unique_ptr<RemoteStore>> make_http_store(const RemoteSpec& spec);

} // namespace llmcc
