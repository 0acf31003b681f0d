#include "kern.h"
unsigned kern_seed(unsigned x) { return x * 2654435761u; }
