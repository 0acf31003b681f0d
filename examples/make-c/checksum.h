/* FNV-1a, used to fold every intermediate result into one printed value. */
#ifndef MAKEC_CHECKSUM_H
#define MAKEC_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
  uint64_t h;
} checksum_t;

void checksum_init(checksum_t* c);
void checksum_bytes(checksum_t* c, const void* data, size_t n);
void checksum_u64(checksum_t* c, uint64_t v);

#endif
