/* Hashing a buffer: FNV-1a byte at a time (a serial dependency chain) and a
 * 64-bit multiply-rotate hash in the style of xxHash over 32-byte stripes (four
 * independent lanes the compiler can schedule or vectorise). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIZE (1u << 22)
#define ROUNDS 200

static const uint64_t P1 = 0x9E3779B185EBCA87ULL;
static const uint64_t P2 = 0xC2B2AE3D27D4EB4FULL;
static const uint64_t P3 = 0x165667B19E3779F9ULL;
static const uint64_t P4 = 0x85EBCA77C2B2AE63ULL;
static const uint64_t P5 = 0x27D4EB2F165667C5ULL;

static uint64_t rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

static uint64_t read64(const unsigned char *p) {
  uint64_t v;
  memcpy(&v, p, sizeof v);
  return v;
}

static uint64_t fnv1a(const unsigned char *p, size_t n) {
  uint64_t h = 1469598103934665603ULL;
  for (size_t i = 0; i < n; ++i) {
    h = (h ^ p[i]) * 1099511628211ULL;
  }
  return h;
}

static uint64_t round64(uint64_t acc, uint64_t input) {
  acc += input * P2;
  acc = rotl(acc, 31);
  return acc * P1;
}

static uint64_t merge64(uint64_t acc, uint64_t v) {
  acc ^= round64(0, v);
  return acc * P1 + P4;
}

static uint64_t stripe_hash(const unsigned char *p, size_t n, uint64_t seed) {
  const unsigned char *end = p + n;
  uint64_t h;
  if (n >= 32) {
    uint64_t v1 = seed + P1 + P2, v2 = seed + P2, v3 = seed, v4 = seed - P1;
    const unsigned char *limit = end - 32;
    do {
      v1 = round64(v1, read64(p));
      v2 = round64(v2, read64(p + 8));
      v3 = round64(v3, read64(p + 16));
      v4 = round64(v4, read64(p + 24));
      p += 32;
    } while (p <= limit);
    h = rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18);
    h = merge64(h, v1);
    h = merge64(h, v2);
    h = merge64(h, v3);
    h = merge64(h, v4);
  } else {
    h = seed + P5;
  }
  h += (uint64_t)n;
  while (p + 8 <= end) {
    h ^= round64(0, read64(p));
    h = rotl(h, 27) * P1 + P4;
    p += 8;
  }
  while (p < end) {
    h ^= (*p++) * P5;
    h = rotl(h, 11) * P1;
  }
  h ^= h >> 33;
  h *= P2;
  h ^= h >> 29;
  h *= P3;
  h ^= h >> 32;
  return h;
}

int main(void) {
  unsigned char *buf = malloc(SIZE);
  if (!buf) {
    return 1;
  }
  uint32_t s = 99;
  for (size_t i = 0; i < SIZE; ++i) {
    s = s * 1664525u + 1013904223u;
    buf[i] = (unsigned char)(s >> 24);
  }
  uint64_t a = 0, b = 0;
  for (int r = 0; r < ROUNDS; ++r) {
    /* A different slice each round, so no round can be folded into another. */
    size_t off = (size_t)r * 4099u;
    a ^= fnv1a(buf + off, SIZE / 4 - off) + (uint64_t)r;
    b = b * 31 + stripe_hash(buf + off, SIZE - off, (uint64_t)r);
    buf[(size_t)r * 7919u] ^= (unsigned char)(a >> 3);
  }
  printf("hashing checksum %016llx %016llx\n", (unsigned long long)a, (unsigned long long)b);
  free(buf);
  return 0;
}
