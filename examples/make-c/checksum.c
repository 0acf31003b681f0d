#include "checksum.h"

void checksum_init(checksum_t* c) { c->h = 0xcbf29ce484222325ull; }

void checksum_bytes(checksum_t* c, const void* data, size_t n) {
  const unsigned char* p = (const unsigned char*)data;
  for (size_t i = 0; i < n; ++i) {
    c->h ^= p[i];
    c->h *= 0x100000001b3ull;
  }
}

void checksum_u64(checksum_t* c, uint64_t v) {
  /* byte by byte, little-endian, so the value is independent of host byte order */
  for (int i = 0; i < 8; ++i) {
    c->h ^= (v >> (8 * i)) & 0xffu;
    c->h *= 0x100000001b3ull;
  }
}
