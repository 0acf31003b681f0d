/* Base64 (RFC 4648, with padding) in C, callable from C++. */
#ifndef MIXED_BASE64_H
#define MIXED_BASE64_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Encoded size including the terminating NUL. */
size_t base64_encoded_size(size_t n);
/* Writes base64_encoded_size(n) bytes to out; returns the string length. */
size_t base64_encode(const unsigned char* in, size_t n, char* out);
/* Decodes len characters; returns the byte count, or (size_t)-1 on bad input.
 * out needs room for len / 4 * 3 bytes. */
size_t base64_decode(const char* in, size_t len, unsigned char* out);

#ifdef __cplusplus
}
#endif

#endif
