int classify(int op, int x) {
  switch (op) {
  case 0: return x + 1;
  case 1: return x - 1;
  case 2: return x * 2;
  case 3: return x / 3;
  case 4: return x % 5;
  default: return 0;
  }
}
