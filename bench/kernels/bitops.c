/* Bit twiddling over an array of words: population count, bit reversal, Gray
 * code, parity and trailing-zero scans, written portably (no builtins) so the
 * compiler decides whether to use popcnt/tzcnt (-march) and how to vectorise. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define WORDS (1u << 16)
#define PASSES 360

static int popcount64(uint64_t x) {
  x = x - ((x >> 1) & 0x5555555555555555ULL);
  x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
  x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
  return (int)((x * 0x0101010101010101ULL) >> 56);
}

static uint64_t reverse64(uint64_t x) {
  x = ((x >> 1) & 0x5555555555555555ULL) | ((x & 0x5555555555555555ULL) << 1);
  x = ((x >> 2) & 0x3333333333333333ULL) | ((x & 0x3333333333333333ULL) << 2);
  x = ((x >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((x & 0x0F0F0F0F0F0F0F0FULL) << 4);
  x = ((x >> 8) & 0x00FF00FF00FF00FFULL) | ((x & 0x00FF00FF00FF00FFULL) << 8);
  x = ((x >> 16) & 0x0000FFFF0000FFFFULL) | ((x & 0x0000FFFF0000FFFFULL) << 16);
  return (x >> 32) | (x << 32);
}

static int trailing_zeros(uint64_t x) {
  if (x == 0) {
    return 64;
  }
  int n = 0;
  while ((x & 1) == 0) {
    x >>= 1;
    ++n;
  }
  return n;
}

static uint64_t gray_decode(uint64_t g) {
  for (int s = 1; s < 64; s <<= 1) {
    g ^= g >> s;
  }
  return g;
}

int main(void) {
  uint64_t *w = malloc(sizeof(uint64_t) * WORDS);
  if (!w) {
    return 1;
  }
  uint64_t s = 0x123456789ABCDEFULL;
  for (size_t i = 0; i < WORDS; ++i) {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    w[i] = s ^ (s >> 29);
  }
  uint64_t pop = 0, rev = 0, tz = 0, gray = 0;
  for (int p = 0; p < PASSES; ++p) {
    for (size_t i = 0; i < WORDS; ++i) {
      pop += (uint64_t)popcount64(w[i]);
      rev ^= reverse64(w[i]) + i;
    }
    for (size_t i = 0; i < WORDS; ++i) {
      tz += (uint64_t)trailing_zeros(w[i] >> (p & 7));
      gray += gray_decode(w[i] ^ (w[i] >> 1)) & 0xFFFF;
    }
    /* Rotate the data between passes so no pass can be hoisted. */
    for (size_t i = 0; i < WORDS; ++i) {
      w[i] = (w[i] << 3 | w[i] >> 61) ^ (uint64_t)p;
    }
  }
  printf("bitops checksum pop=%llu rev=%016llx tz=%llu gray=%llu\n", (unsigned long long)pop,
         (unsigned long long)rev, (unsigned long long)tz, (unsigned long long)gray);
  free(w);
  return 0;
}
