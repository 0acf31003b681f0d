unsigned kern_sum(const unsigned* a, unsigned n, unsigned rounds);
unsigned kern_seed(unsigned x);
