/* gcc instruments after early inlining, and -O3 inlines `helper` early where
 * -O2 does not: a profile trained at -O2 fails an -O3 build with
 * -Werror=coverage-mismatch (gcc 12). */
unsigned long helper(unsigned long x, unsigned long y) {
  if (x > y) {
    x = x * 3 + y;
  } else {
    x = (x ^ y) >> 1;
  }
  if (x & 4) {
    x += 17;
  } else {
    x -= 3;
  }
  if (y & 8) {
    x ^= y << 2;
  }
  return x;
}
unsigned long kern(unsigned long n) {
  unsigned long s = 0;
  for (unsigned long i = 0; i < n; ++i) {
    s = helper(s, i);
  }
  return s;
}
