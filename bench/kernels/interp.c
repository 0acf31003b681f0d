/* A bytecode interpreter: a stack machine dispatched by a switch in a loop, the
 * shape of most scripting-language cores. The program computes a sum over a
 * Collatz-style iteration, so the branch pattern is data dependent. */
#include <stdint.h>
#include <stdio.h>

enum Op { PUSH, LOAD, STORE, ADD, SUB, MUL, AND, SHR, DUP, DROP, JNZ, JMP, LT, HALT };

struct Insn {
  uint8_t op;
  int32_t arg;
};

/* Locals: 0 = n (outer counter), 1 = x (current value), 2 = total, 3 = steps. */
static const struct Insn program[] = {
    /* 0: outer loop: if n == 0 halt */
    {LOAD, 0}, {JNZ, 3}, {HALT, 0},
    /* 3: x = n * 7 + 1 */
    {LOAD, 0}, {PUSH, 7}, {MUL, 0}, {PUSH, 1}, {ADD, 0}, {STORE, 1},
    /* 9: inner loop while 1 < x */
    {PUSH, 1}, {LOAD, 1}, {LT, 0}, {JNZ, 14}, {JMP, 35},
    /* 14: if x & 1 -> odd */
    {LOAD, 1}, {PUSH, 1}, {AND, 0}, {JNZ, 23},
    /* 18: even: x = x >> 1 */
    {LOAD, 1}, {PUSH, 1}, {SHR, 0}, {STORE, 1}, {JMP, 29},
    /* 23: odd: x = 3x + 1 */
    {LOAD, 1}, {PUSH, 3}, {MUL, 0}, {PUSH, 1}, {ADD, 0}, {STORE, 1},
    /* 29: steps += 1; loop */
    {LOAD, 3}, {PUSH, 1}, {ADD, 0}, {STORE, 3}, {JMP, 9},
    /* 34: (unused) */
    {DROP, 0},
    /* 35: total += x + steps; n -= 1 */
    {LOAD, 2}, {LOAD, 1}, {ADD, 0}, {LOAD, 3}, {ADD, 0}, {STORE, 2},
    {LOAD, 0}, {PUSH, 1}, {SUB, 0}, {STORE, 0}, {JMP, 0},
};

static int64_t run(int64_t n, int64_t *steps_out) {
  int64_t stack[64];
  int64_t locals[4] = {n, 0, 0, 0};
  int sp = 0;
  int pc = 0;
  for (;;) {
    const struct Insn in = program[pc++];
    switch (in.op) {
    case PUSH:
      stack[sp++] = in.arg;
      break;
    case LOAD:
      stack[sp++] = locals[in.arg];
      break;
    case STORE:
      locals[in.arg] = stack[--sp];
      break;
    case ADD:
      --sp;
      stack[sp - 1] += stack[sp];
      break;
    case SUB:
      --sp;
      stack[sp - 1] -= stack[sp];
      break;
    case MUL:
      --sp;
      stack[sp - 1] *= stack[sp];
      break;
    case AND:
      --sp;
      stack[sp - 1] &= stack[sp];
      break;
    case SHR:
      --sp;
      stack[sp - 1] >>= stack[sp];
      break;
    case DUP:
      stack[sp] = stack[sp - 1];
      ++sp;
      break;
    case DROP:
      --sp;
      break;
    case LT:
      --sp;
      stack[sp - 1] = stack[sp - 1] < stack[sp];
      break;
    case JNZ:
      if (stack[--sp] != 0) {
        pc = in.arg;
      }
      break;
    case JMP:
      pc = in.arg;
      break;
    case HALT:
      *steps_out = locals[3];
      return locals[2];
    }
  }
}

int main(int argc, char **argv) {
  (void)argv;
  /* argc keeps the compiler from evaluating the whole program at compile time. */
  int64_t n = 60000 + (argc > 100 ? 1 : 0);
  int64_t steps = 0;
  int64_t total = run(n, &steps);
  printf("interp checksum %lld steps %lld\n", (long long)total, (long long)steps);
  return 0;
}
