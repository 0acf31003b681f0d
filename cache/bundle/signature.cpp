#include "cache/bundle/signature.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdlib>

namespace llmcc {

std::optional<std::string> team_key_from_env() {
  const char* key = std::getenv("LLMCC_TEAM_KEY");
  if (!key || !*key) {
    return std::nullopt;
  }
  return std::string(key);
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), out, &len);
  return std::string(reinterpret_cast<const char*>(out), len);
}

bool signature_matches(std::string_view key, std::string_view data, std::string_view signature) {
  if (signature.size() != kSignatureSize) {
    return false;
  }
  std::string expected = hmac_sha256(key, data);
  return expected.size() == kSignatureSize && CRYPTO_memcmp(expected.data(), signature.data(), kSignatureSize) == 0;
}

} // namespace llmcc
