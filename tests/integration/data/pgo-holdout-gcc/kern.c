/* An indirect call whose hot target is the input's: "./prog N 1" calls f1
 * nearly always, "./prog N 6" f6. gcc trained on the first promotes the call
 * to f1 (a compare and f1 inlined), which the second input pays for with the
 * compare and a colder indirect call (instructions, gcc 12 -O2: 1.92M with
 * the profile against 2.93M without on the first input, 4.04M against 2.73M
 * on the second). -O3 inlines `helper` early where -O2 does not, so the -O3
 * twin of the -O2 profile hits -Werror=coverage-mismatch and is trained again. */
typedef unsigned long (*op_fn)(unsigned long);
static unsigned long f0(unsigned long x) { return x * 3 + 1; }
static unsigned long f1(unsigned long x) { return x >> 1; }
static unsigned long f2(unsigned long x) { return x ^ (x << 3); }
static unsigned long f3(unsigned long x) { return x + 12345; }
static unsigned long f4(unsigned long x) { return x * 7 - 3; }
static unsigned long f5(unsigned long x) { return x ^ 0x5555; }
static unsigned long f6(unsigned long x) { return (x << 2) | 1; }
static unsigned long f7(unsigned long x) { return x - 1; }
op_fn kern_ops[8] = {f0, f1, f2, f3, f4, f5, f6, f7};
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
unsigned long kern(unsigned long n, unsigned hot) {
  unsigned long x = 1, s = 0;
  for (unsigned long i = 0; i < n; ++i) {
    unsigned op = (i % 64 == 0) ? (unsigned)(i >> 6) & 7u : hot;
    x = kern_ops[op](x);
    s += x;
  }
  return helper(s, n);
}
