/* LEB128 unsigned varints in C, callable from C++. */
#ifndef MIXED_VARINT_H
#define MIXED_VARINT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Writes at most 10 bytes; returns the count. */
size_t varint_encode(uint64_t v, unsigned char* out);
/* Returns the bytes consumed, or 0 if the input is truncated or too long. */
size_t varint_decode(const unsigned char* in, size_t n, uint64_t* v);

#ifdef __cplusplus
}
#endif

#endif
