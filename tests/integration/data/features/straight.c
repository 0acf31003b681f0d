int straight(int a, int b) {
  int c = a * 3;
  int d = c + b;
  int e = d - a;
  return e ^ b;
}
