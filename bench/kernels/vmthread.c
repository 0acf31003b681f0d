/* A register-machine bytecode VM with direct-threaded dispatch (computed goto,
 * a GNU C extension both gcc and clang accept), unlike interp.c's stack machine
 * and switch. The program counts primes below a bound by trial division, then
 * runs a Fibonacci-mod loop: short opcodes, a taken branch every few. */
#include <stdint.h>
#include <stdio.h>

enum Op { LI, ADD, ADDI, SUB, MUL, MOD, BLT, BGE, BEQZ, BNEZ, JMP, HALT };

struct Insn {
  uint8_t op, a, b, c;
  int32_t imm;
};

/* r0 = n, r1 = bound, r2 = d, r3 = tmp, r4 = count, r5 = prime flag, r6..r9 Fibonacci mod bound */
static const struct Insn program[] = {
    /* 0 */ {LI, 0, 0, 0, 2},     {LI, 4, 0, 0, 0},
    /* 2: outer: if n >= bound goto fib */ {BGE, 0, 1, 0, 16},
    /* 3 */ {LI, 2, 0, 0, 2},     {LI, 5, 0, 0, 1},
    /* 5: inner: tmp = d * d; if n < tmp goto done */ {MUL, 3, 2, 2, 0}, {BLT, 0, 3, 0, 11},
    /* 7: tmp = n % d; if tmp == 0 -> composite */ {MOD, 3, 0, 2, 0}, {BEQZ, 3, 0, 0, 14},
    /* 9: d += 1; loop */ {ADDI, 2, 2, 0, 1}, {JMP, 0, 0, 0, 5},
    /* 11: count += flag; n += 1 */ {ADD, 4, 4, 5, 0}, {ADDI, 0, 0, 0, 1}, {JMP, 0, 0, 0, 2},
    /* 14: composite: clear the flag, count it */ {LI, 5, 0, 0, 0}, {JMP, 0, 0, 0, 11},
    /* 16: fib loop: r6 = 0, r7 = 1, r8 = steps */ {LI, 6, 0, 0, 0}, {LI, 7, 0, 0, 1}, {LI, 8, 0, 0, 2500000},
    /* 19 */ {ADD, 9, 6, 7, 0},   {MOD, 9, 9, 1, 0}, {ADDI, 6, 7, 0, 0}, {ADDI, 7, 9, 0, 0},
    /* 23 */ {ADDI, 8, 8, 0, -1}, {BNEZ, 8, 0, 0, 19}, {HALT, 0, 0, 0, 0},
};

static int64_t run(int64_t bound, int64_t *fib_out) {
  static void *labels[] = {&&op_li, &&op_add, &&op_addi, &&op_sub, &&op_mul, &&op_mod,
                           &&op_blt, &&op_bge, &&op_beqz, &&op_bnez, &&op_jmp, &&op_halt};
  int64_t r[16] = {0};
  r[1] = bound;
  const struct Insn *pc = program;
#define DISPATCH() goto *labels[pc->op]
  DISPATCH();
op_li:
  r[pc->a] = pc->imm;
  ++pc;
  DISPATCH();
op_add:
  r[pc->a] = r[pc->b] + r[pc->c];
  ++pc;
  DISPATCH();
op_addi:
  r[pc->a] = r[pc->b] + pc->imm;
  ++pc;
  DISPATCH();
op_sub:
  r[pc->a] = r[pc->b] - r[pc->c];
  ++pc;
  DISPATCH();
op_mul:
  r[pc->a] = r[pc->b] * r[pc->c];
  ++pc;
  DISPATCH();
op_mod:
  r[pc->a] = r[pc->b] % r[pc->c];
  ++pc;
  DISPATCH();
op_blt:
  pc = r[pc->a] < r[pc->b] ? program + pc->imm : pc + 1;
  DISPATCH();
op_bge:
  pc = r[pc->a] >= r[pc->b] ? program + pc->imm : pc + 1;
  DISPATCH();
op_beqz:
  pc = r[pc->a] == 0 ? program + pc->imm : pc + 1;
  DISPATCH();
op_bnez:
  pc = r[pc->a] != 0 ? program + pc->imm : pc + 1;
  DISPATCH();
op_jmp:
  pc = program + pc->imm;
  DISPATCH();
op_halt:
  *fib_out = r[6];
  return r[4];
#undef DISPATCH
}

int main(void) {
  int64_t fib = 0;
  int64_t primes = run(400000, &fib);
  printf("vmthread primes %lld fib %lld\n", (long long)primes, (long long)fib);
  return 0;
}
