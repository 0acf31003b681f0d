/* The hot kernels. Everything here is integer-exact (or uses sqrt, which IEEE
 * rounds correctly), so results do not depend on optimisation flags. */
#ifndef MAKEC_KERNEL_H
#define MAKEC_KERNEL_H

#include <stddef.h>
#include <stdint.h>

/* Sum of floor(sqrt(v[i])). Vectorises only with -fno-math-errno (or -ffast-math),
 * because the default errno semantics keep a libm call on the path. */
uint64_t isqrt_sum(const uint32_t* v, size_t n);

/* 3x3 weighted blur (1 2 1 / 2 4 2 / 1 2 1) on a w*h image; borders copied. */
void blur3x3(const uint16_t* in, uint16_t* out, int w, int h);

/* Saturating difference between two images, a typical vectorisable loop. */
uint64_t abs_diff_sum(const uint16_t* a, const uint16_t* b, size_t n);

#endif
