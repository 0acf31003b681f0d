/* Deterministic input generation: the same bytes on every machine and with
 * every compiler flag, so checksums can be compared across builds. */
#ifndef MAKEC_DATA_H
#define MAKEC_DATA_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
  uint64_t state;
} rng_t;

void rng_seed(rng_t* rng, uint64_t seed);
uint32_t rng_next(rng_t* rng);

/* Fills v with values in [0, limit). */
void fill_u32(rng_t* rng, uint32_t* v, size_t n, uint32_t limit);
void fill_u16(rng_t* rng, uint16_t* v, size_t n, uint16_t limit);

#endif
