#include "varint.h"

size_t varint_encode(uint64_t v, unsigned char* out) {
  size_t n = 0;
  while (v >= 0x80) {
    out[n++] = (unsigned char)(v | 0x80);
    v >>= 7;
  }
  out[n++] = (unsigned char)v;
  return n;
}

size_t varint_decode(const unsigned char* in, size_t n, uint64_t* v) {
  uint64_t result = 0;
  for (size_t i = 0; i < n && i < 10; ++i) {
    result |= (uint64_t)(in[i] & 0x7f) << (7 * i);
    if (!(in[i] & 0x80)) {
      *v = result;
      return i + 1;
    }
  }
  return 0;
}
