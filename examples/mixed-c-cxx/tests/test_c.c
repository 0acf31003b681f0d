/* Tests of the C half, in C. */
#include <stdio.h>
#include <string.h>

#include "base64.h"
#include "varint.h"

static int g_failures = 0;

static void check(int ok, const char* what) {
  if (!ok) {
    fprintf(stderr, "FAILED: %s\n", what);
    ++g_failures;
  }
}

static void check_base64(const char* plain, const char* encoded) {
  char out[64];
  unsigned char back[64];
  size_t n = strlen(plain);
  check(base64_encode((const unsigned char*)plain, n, out) == strlen(encoded), "base64 length");
  check(strcmp(out, encoded) == 0, encoded);
  check(base64_decode(encoded, strlen(encoded), back) == n && memcmp(back, plain, n) == 0, plain);
}

int main(void) {
  /* RFC 4648 test vectors */
  check_base64("", "");
  check_base64("f", "Zg==");
  check_base64("fo", "Zm8=");
  check_base64("foo", "Zm9v");
  check_base64("foob", "Zm9vYg==");
  check_base64("fooba", "Zm9vYmE=");
  check_base64("foobar", "Zm9vYmFy");
  unsigned char buf[16];
  check(base64_decode("Zm9", 3, buf) == (size_t)-1, "base64 rejects bad length");
  check(base64_decode("Z=9v", 4, buf) == (size_t)-1, "base64 rejects early padding");

  const uint64_t samples[] = {0, 1, 127, 128, 300, 16383, 16384, 0xffffffffull, ~0ull};
  for (size_t i = 0; i < sizeof samples / sizeof samples[0]; ++i) {
    unsigned char enc[10];
    uint64_t v = 0;
    size_t n = varint_encode(samples[i], enc);
    check(varint_decode(enc, n, &v) == n && v == samples[i], "varint round trip");
    check(varint_decode(enc, n - 1, &v) == 0 || n == 1, "varint detects truncation");
  }
  unsigned char three[2];
  check(varint_encode(300, three) == 2 && three[0] == 0xac && three[1] == 0x02, "varint(300) == ac 02");

  if (g_failures == 0) {
    printf("test_c: all passed\n");
  }
  return g_failures == 0 ? 0 : 1;
}
