double poly(double x, double y) {
  double a = x * x * 1.5;
  double b = y * x;
  double c = y / 2.0;
  return a + b - c;
}
