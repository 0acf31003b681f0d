/* A branchy kernel: a byte-code-like dispatch on skewed data, with a helper
 * the plain build does not inline. */
static unsigned long step(unsigned long x, unsigned op) {
  switch (op & 7u) {
  case 0: return x * 3 + 1;
  case 1: return x >> 1;
  case 2: return x ^ (x << 3);
  case 3: return x + 12345;
  case 4: return x * 7 - 3;
  case 5: return x ^ 0x5555;
  case 6: return (x << 2) | 1;
  default: return x - 1;
  }
}
unsigned long kern(unsigned long n) {
  unsigned long x = 1, s = 0;
  for (unsigned long i = 0; i < n; ++i) {
    unsigned op = (i % 16 == 0) ? (unsigned)(i >> 4) : 3u; /* mostly op 3 */
    x = step(x, op);
    if (x % 1000 == 7) {
      s += x;
    } else {
      s ^= x >> 5;
    }
  }
  return s;
}
