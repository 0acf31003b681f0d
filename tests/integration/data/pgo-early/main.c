#include <stdio.h>
#include <stdlib.h>
unsigned long kern(unsigned long);
int main(int c, char **v){printf("%lu\n",kern(c > 1 ? strtoul(v[1],0,10) : 200000));return 0;}
