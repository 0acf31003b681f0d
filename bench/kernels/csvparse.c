/* A CSV tokenizer: a byte-at-a-time state machine (quoted fields, escaped
 * quotes, signed decimals with a fraction part) over generated text, summing the
 * numeric columns in fixed point. The branch pattern follows the data, as in a
 * real parser. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define ROWS 120000
#define ROUNDS 32

static char buf[ROWS * 64];

static uint32_t rng = 2463534242u;
static uint32_t next(void) {
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}

static size_t generate(void) {
  size_t n = 0;
  for (int r = 0; r < ROWS; ++r) {
    uint32_t v = next();
    n += (size_t)sprintf(buf + n, "%u,", v % 100000);
    if (v & 1) {
      n += (size_t)sprintf(buf + n, "\"name %u, \"\"q\"\"\",", (v >> 8) % 977);
    } else {
      n += (size_t)sprintf(buf + n, "id%u,", (v >> 4) % 4099);
    }
    n += (size_t)sprintf(buf + n, "%s%u.%02u,%u\n", (v & 4) ? "-" : "", (v >> 12) % 5000, (v >> 3) % 100,
                         (v >> 20) % 7);
  }
  return n;
}

enum State { FIELD_START, NUMBER, FRACTION, TEXTFIELD, QUOTED, QUOTE_IN_QUOTED };

struct Totals {
  int64_t numeric_cents;
  int64_t fields;
  int64_t rows;
  int64_t text_bytes;
};

static void parse(const char *s, size_t n, struct Totals *t) {
  enum State st = FIELD_START;
  int64_t value = 0;
  int negative = 0;
  int frac_digits = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[i];
    switch (st) {
      case FIELD_START:
        value = 0;
        negative = 0;
        frac_digits = 0;
        if (c == '"') {
          st = QUOTED;
        } else if (c == '-') {
          negative = 1;
          st = NUMBER;
        } else if (c >= '0' && c <= '9') {
          value = c - '0';
          st = NUMBER;
        } else if (c == ',' || c == '\n') {
          t->fields++;
          t->rows += c == '\n';
        } else {
          t->text_bytes++;
          st = TEXTFIELD;
        }
        break;
      case NUMBER:
      case FRACTION:
        if (c >= '0' && c <= '9') {
          value = value * 10 + (c - '0');
          frac_digits += st == FRACTION;
        } else if (c == '.' && st == NUMBER) {
          st = FRACTION;
        } else {
          while (frac_digits < 2) {
            value *= 10;
            ++frac_digits;
          }
          t->numeric_cents += negative ? -value : value;
          t->fields++;
          t->rows += c == '\n';
          st = FIELD_START;
        }
        break;
      case TEXTFIELD:
        if (c == ',' || c == '\n') {
          t->fields++;
          t->rows += c == '\n';
          st = FIELD_START;
        } else {
          t->text_bytes++;
        }
        break;
      case QUOTED:
        if (c == '"') {
          st = QUOTE_IN_QUOTED;
        } else {
          t->text_bytes++;
        }
        break;
      case QUOTE_IN_QUOTED:
        if (c == '"') {
          t->text_bytes++;
          st = QUOTED;
        } else {
          t->fields++;
          t->rows += c == '\n';
          st = FIELD_START;
        }
        break;
    }
  }
}

int main(void) {
  size_t n = generate();
  struct Totals t;
  memset(&t, 0, sizeof t);
  for (int r = 0; r < ROUNDS; ++r) {
    parse(buf, n, &t);
  }
  printf("csvparse bytes %zu rows %lld fields %lld\n", n, (long long)t.rows, (long long)t.fields);
  printf("csvparse numeric %lld text %lld\n", (long long)t.numeric_cents, (long long)t.text_bytes);
  return 0;
}
