/* A dispatch whose hot case is the input's: "./prog N 1" runs case 1 nearly
 * always, "./prog N 6" case 6. clang trained on the first lays the code out
 * for case 1, which the second input then pays for (on instructions: 5.53M
 * with the profile, 5.33M without, clang 14 -O2). */
static unsigned long step(unsigned long x, unsigned op) {
  switch (op) {
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
unsigned long kern(unsigned long n, unsigned hot) {
  unsigned long x = 1, s = 0;
  for (unsigned long i = 0; i < n; ++i) {
    unsigned op = (i % 64 == 0) ? (unsigned)(i >> 6) & 7u : hot;
    x = step(x, op);
    if (x % 1000 == 7) {
      s += x;
    } else {
      s ^= x >> 5;
    }
  }
  return s;
}
