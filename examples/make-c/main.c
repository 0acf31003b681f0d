/* Runs the kernels a fixed number of rounds and prints one checksum.
 * Usage: makec_demo [rounds]   (default 200) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checksum.h"
#include "data.h"
#include "kernel.h"

enum { kWidth = 512, kHeight = 512, kSqrtCount = 1 << 18 };

int main(int argc, char** argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 200;
  if (rounds <= 0) {
    fprintf(stderr, "usage: %s [rounds>0]\n", argv[0]);
    return 2;
  }
  size_t pixels = (size_t)kWidth * kHeight;
  uint16_t* img = malloc(pixels * sizeof *img);
  uint16_t* tmp = malloc(pixels * sizeof *tmp);
  uint32_t* values = malloc((size_t)kSqrtCount * sizeof *values);
  if (!img || !tmp || !values) {
    fprintf(stderr, "out of memory\n");
    return 1;
  }

  rng_t rng;
  rng_seed(&rng, 12345);
  fill_u16(&rng, img, pixels, 4096);
  fill_u32(&rng, values, kSqrtCount, 0xffffffffu);

  checksum_t sum;
  checksum_init(&sum);
  for (int r = 0; r < rounds; ++r) {
    blur3x3(img, tmp, kWidth, kHeight);
    checksum_u64(&sum, abs_diff_sum(img, tmp, pixels));
    memcpy(img, tmp, pixels * sizeof *img);
    /* perturb the input so rounds are not identical */
    values[r % kSqrtCount] ^= (uint32_t)r * 2654435761u;
    checksum_u64(&sum, isqrt_sum(values, kSqrtCount));
  }
  checksum_bytes(&sum, img, pixels * sizeof *img);

  printf("rounds: %d\n", rounds);
  printf("checksum: %016llx\n", (unsigned long long)sum.h);
  free(values);
  free(tmp);
  free(img);
  return 0;
}
