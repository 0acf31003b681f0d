/* Sorting ints: a hand-written quicksort (median of three, insertion sort for
 * small ranges) and a bottom-up merge sort, over the same pseudo-random input. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNT 1500000

static uint32_t lcg_state = 7;

static uint32_t lcg_next(void) {
  lcg_state = lcg_state * 1664525u + 1013904223u;
  return lcg_state;
}

static void insertion_sort(int *v, long lo, long hi) {
  for (long i = lo + 1; i <= hi; ++i) {
    int x = v[i];
    long j = i - 1;
    while (j >= lo && v[j] > x) {
      v[j + 1] = v[j];
      --j;
    }
    v[j + 1] = x;
  }
}

static void swap(int *a, int *b) {
  int t = *a;
  *a = *b;
  *b = t;
}

static void quick_sort(int *v, long lo, long hi) {
  while (hi - lo > 16) {
    long mid = lo + (hi - lo) / 2;
    if (v[mid] < v[lo]) {
      swap(&v[mid], &v[lo]);
    }
    if (v[hi] < v[lo]) {
      swap(&v[hi], &v[lo]);
    }
    if (v[hi] < v[mid]) {
      swap(&v[hi], &v[mid]);
    }
    int pivot = v[mid];
    long i = lo, j = hi;
    while (i <= j) {
      while (v[i] < pivot) {
        ++i;
      }
      while (v[j] > pivot) {
        --j;
      }
      if (i <= j) {
        swap(&v[i], &v[j]);
        ++i;
        --j;
      }
    }
    /* Recurse into the smaller side so the stack stays logarithmic. */
    if (j - lo < hi - i) {
      quick_sort(v, lo, j);
      lo = i;
    } else {
      quick_sort(v, i, hi);
      hi = j;
    }
  }
  insertion_sort(v, lo, hi);
}

static void merge_sort(int *v, int *tmp, long n) {
  for (long width = 1; width < n; width *= 2) {
    for (long lo = 0; lo < n; lo += 2 * width) {
      long mid = lo + width < n ? lo + width : n;
      long hi = lo + 2 * width < n ? lo + 2 * width : n;
      long i = lo, j = mid, k = lo;
      while (i < mid && j < hi) {
        tmp[k++] = v[i] <= v[j] ? v[i++] : v[j++];
      }
      while (i < mid) {
        tmp[k++] = v[i++];
      }
      while (j < hi) {
        tmp[k++] = v[j++];
      }
    }
    memcpy(v, tmp, sizeof(int) * (size_t)n);
  }
}

static uint64_t digest(const int *v, long n) {
  uint64_t h = 1469598103934665603ULL;
  for (long i = 0; i < n; ++i) {
    h = (h ^ (uint32_t)v[i]) * 1099511628211ULL;
  }
  return h;
}

static int sorted(const int *v, long n) {
  for (long i = 1; i < n; ++i) {
    if (v[i - 1] > v[i]) {
      return 0;
    }
  }
  return 1;
}

int main(void) {
  int *a = malloc(sizeof(int) * COUNT);
  int *b = malloc(sizeof(int) * COUNT);
  int *tmp = malloc(sizeof(int) * COUNT);
  if (!a || !b || !tmp) {
    return 1;
  }
  for (long i = 0; i < COUNT; ++i) {
    a[i] = (int)(lcg_next() >> 1) - (1 << 30);
    b[i] = a[i];
  }
  quick_sort(a, 0, COUNT - 1);
  merge_sort(b, tmp, COUNT);
  printf("sort checksum %016llx sorted=%d agree=%d min=%d max=%d\n", (unsigned long long)digest(a, COUNT),
         sorted(a, COUNT), memcmp(a, b, sizeof(int) * COUNT) == 0, a[0], a[COUNT - 1]);
  free(a);
  free(b);
  free(tmp);
  return 0;
}
