#include "base64.h"

static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t base64_encoded_size(size_t n) { return (n + 2) / 3 * 4 + 1; }

size_t base64_encode(const unsigned char* in, size_t n, char* out) {
  size_t o = 0;
  size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
    out[o++] = kAlphabet[(v >> 18) & 63];
    out[o++] = kAlphabet[(v >> 12) & 63];
    out[o++] = kAlphabet[(v >> 6) & 63];
    out[o++] = kAlphabet[v & 63];
  }
  if (i < n) {
    unsigned v = (unsigned)in[i] << 16 | (i + 1 < n ? (unsigned)in[i + 1] << 8 : 0u);
    out[o++] = kAlphabet[(v >> 18) & 63];
    out[o++] = kAlphabet[(v >> 12) & 63];
    out[o++] = i + 1 < n ? kAlphabet[(v >> 6) & 63] : '=';
    out[o++] = '=';
  }
  out[o] = '\0';
  return o;
}

static int decode_char(char c) {
  if (c >= 'A' && c <= 'Z') {
    return c - 'A';
  }
  if (c >= 'a' && c <= 'z') {
    return c - 'a' + 26;
  }
  if (c >= '0' && c <= '9') {
    return c - '0' + 52;
  }
  if (c == '+') {
    return 62;
  }
  if (c == '/') {
    return 63;
  }
  return -1;
}

size_t base64_decode(const char* in, size_t len, unsigned char* out) {
  if (len % 4 != 0) {
    return (size_t)-1;
  }
  size_t o = 0;
  for (size_t i = 0; i < len; i += 4) {
    int pad = 0;
    unsigned v = 0;
    for (int k = 0; k < 4; ++k) {
      char c = in[i + k];
      /* padding is only valid in the last two places of the last group */
      if (c == '=' && i + 4 == len && k >= 2) {
        ++pad;
        v <<= 6;
        continue;
      }
      int d = decode_char(c);
      if (d < 0 || pad) {
        return (size_t)-1;
      }
      v = v << 6 | (unsigned)d;
    }
    out[o++] = (unsigned char)(v >> 16);
    if (pad < 2) {
      out[o++] = (unsigned char)(v >> 8);
    }
    if (pad < 1) {
      out[o++] = (unsigned char)v;
    }
  }
  return o;
}
