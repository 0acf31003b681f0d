#include "data.h"

void rng_seed(rng_t* rng, uint64_t seed) {
  /* xorshift must never start from zero */
  rng->state = seed ? seed : 0x9E3779B97F4A7C15ull;
}

uint32_t rng_next(rng_t* rng) {
  uint64_t x = rng->state;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  rng->state = x;
  return (uint32_t)(x >> 32);
}

void fill_u32(rng_t* rng, uint32_t* v, size_t n, uint32_t limit) {
  for (size_t i = 0; i < n; ++i) {
    v[i] = rng_next(rng) % limit;
  }
}

void fill_u16(rng_t* rng, uint16_t* v, size_t n, uint16_t limit) {
  for (size_t i = 0; i < n; ++i) {
    v[i] = (uint16_t)(rng_next(rng) % limit);
  }
}
