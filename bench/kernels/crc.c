/* Checksums over buffers: table-driven CRC-32 (a serial dependency through a
 * table load), a slicing-by-4 CRC-32 over the same data, and Adler-32 (two
 * running sums, vectorisable with care). All three must agree run to run. */
#include <stdint.h>
#include <stdio.h>

#define BUF (2u << 20)
#define ROUNDS 30

static uint8_t data[BUF];
static uint32_t table[4][256];

static void make_tables(void) {
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) {
      c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    }
    table[0][i] = c;
  }
  for (uint32_t i = 0; i < 256; ++i) {
    for (int t = 1; t < 4; ++t) {
      table[t][i] = (table[t - 1][i] >> 8) ^ table[0][table[t - 1][i] & 0xff];
    }
  }
}

static uint32_t crc_bytewise(const uint8_t *p, size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; ++i) {
    c = table[0][(c ^ p[i]) & 0xff] ^ (c >> 8);
  }
  return ~c;
}

static uint32_t crc_slice4(const uint8_t *p, size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    c ^= (uint32_t)p[i] | (uint32_t)p[i + 1] << 8 | (uint32_t)p[i + 2] << 16 | (uint32_t)p[i + 3] << 24;
    c = table[3][c & 0xff] ^ table[2][(c >> 8) & 0xff] ^ table[1][(c >> 16) & 0xff] ^ table[0][c >> 24];
  }
  for (; i < n; ++i) {
    c = table[0][(c ^ p[i]) & 0xff] ^ (c >> 8);
  }
  return ~c;
}

static uint32_t adler32(const uint8_t *p, size_t n) {
  uint32_t a = 1, b = 0;
  while (n > 0) {
    size_t chunk = n < 5552 ? n : 5552;
    n -= chunk;
    for (size_t i = 0; i < chunk; ++i) {
      a += p[i];
      b += a;
    }
    p += chunk;
    a %= 65521u;
    b %= 65521u;
  }
  return b << 16 | a;
}

int main(void) {
  make_tables();
  uint32_t x = 0x9E3779B9u;
  for (size_t i = 0; i < BUF; ++i) {
    x = x * 1664525u + 1013904223u;
    data[i] = (uint8_t)(x >> 24);
  }
  uint32_t c1 = 0, c4 = 0, ad = 0;
  for (int r = 0; r < ROUNDS; ++r) {
    data[r] ^= (uint8_t)r;
    c1 ^= crc_bytewise(data, BUF);
    c4 ^= crc_slice4(data, BUF);
    ad ^= adler32(data, BUF);
  }
  printf("crc bytewise %08x slice4 %08x %s\n", c1, c4, c1 == c4 ? "agree" : "DIFFER");
  printf("crc adler32 %08x\n", ad);
  return 0;
}
