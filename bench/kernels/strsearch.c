/* String search: Boyer-Moore-Horspool and a naive first-byte scan over a 4 MiB
 * text drawn from a small alphabet (DNA-like, so partial matches are common and
 * the skip table matters). Prints the match counts of each pattern. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define TEXT (4u << 20)
#define ROUNDS 2

static unsigned char text[TEXT];

static uint32_t rng = 12345u;
static uint32_t next(void) {
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}

static long horspool(const unsigned char *t, size_t n, const unsigned char *p, size_t m) {
  size_t skip[256];
  for (int c = 0; c < 256; ++c) {
    skip[c] = m;
  }
  for (size_t i = 0; i + 1 < m; ++i) {
    skip[p[i]] = m - 1 - i;
  }
  long count = 0;
  size_t pos = 0;
  while (pos + m <= n) {
    unsigned char last = t[pos + m - 1];
    if (last == p[m - 1] && memcmp(t + pos, p, m - 1) == 0) {
      ++count;
    }
    pos += skip[last];
  }
  return count;
}

static long naive(const unsigned char *t, size_t n, const unsigned char *p, size_t m) {
  long count = 0;
  for (size_t i = 0; i + m <= n; ++i) {
    if (t[i] != p[0]) {
      continue;
    }
    size_t j = 1;
    while (j < m && t[i + j] == p[j]) {
      ++j;
    }
    count += j == m;
  }
  return count;
}

int main(void) {
  static const char alphabet[] = "ACGT";
  for (size_t i = 0; i < TEXT; ++i) {
    text[i] = (unsigned char)alphabet[next() & 3];
  }
  static const char *patterns[] = {"ACGTAC", "GATTACA", "TTTTT", "CAGCAGCAGC", "ACGTTGCA", "GGGCCCAT"};
  long total = 0;
  for (int r = 0; r < ROUNDS; ++r) {
    for (size_t k = 0; k < sizeof patterns / sizeof patterns[0]; ++k) {
      const unsigned char *p = (const unsigned char *)patterns[k];
      size_t m = strlen(patterns[k]);
      long h = horspool(text, TEXT, p, m);
      long s = naive(text, TEXT, p, m);
      if (r == 0) {
        printf("strsearch %-10s horspool %ld naive %ld\n", patterns[k], h, s);
      }
      total += h + s;
    }
  }
  printf("strsearch total %ld\n", total);
  return 0;
}
