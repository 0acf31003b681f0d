/* A discrete-event simulation around a binary-heap priority queue: each event
 * schedules a follow-up at a pseudo-random delay, the shape of network and
 * queueing simulators. Sift-up/sift-down dominate; branches are unpredictable. */
#include <stdint.h>
#include <stdio.h>

#define ENTITIES 50000
#define EVENTS 1500000

struct Event {
  uint64_t time;
  uint32_t entity;
  uint32_t kind;
};

static struct Event heap[ENTITIES + 1];
static int size;
static uint64_t served[ENTITIES];

static uint32_t rng = 88172645u;
static uint32_t next(void) {
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}

static int before(const struct Event *a, const struct Event *b) {
  return a->time < b->time || (a->time == b->time && a->entity < b->entity);
}

static void push(struct Event e) {
  int i = ++size;
  while (i > 1 && before(&e, &heap[i / 2])) {
    heap[i] = heap[i / 2];
    i /= 2;
  }
  heap[i] = e;
}

static struct Event pop(void) {
  struct Event top = heap[1];
  struct Event last = heap[size--];
  int i = 1;
  for (;;) {
    int child = 2 * i;
    if (child > size) {
      break;
    }
    if (child < size && before(&heap[child + 1], &heap[child])) {
      ++child;
    }
    if (!before(&heap[child], &last)) {
      break;
    }
    heap[i] = heap[child];
    i = child;
  }
  heap[i] = last;
  return top;
}

int main(void) {
  for (uint32_t e = 0; e < ENTITIES; ++e) {
    push((struct Event){next() % 1000, e, e % 3});
  }
  uint64_t now = 0;
  uint64_t checksum = 0;
  uint32_t kinds[3] = {0, 0, 0};
  for (int n = 0; n < EVENTS; ++n) {
    struct Event e = pop();
    now = e.time;
    served[e.entity]++;
    kinds[e.kind]++;
    checksum = checksum * 31 + (e.time ^ e.entity);
    uint32_t r = next();
    uint64_t delay = e.kind == 0 ? 1 + r % 50 : e.kind == 1 ? 100 + r % 900 : 1 + (r % 4) * (r % 4096);
    push((struct Event){now + delay, e.entity, (e.kind + (r >> 30)) % 3});
  }
  uint64_t busiest = 0;
  for (int e = 0; e < ENTITIES; ++e) {
    busiest = served[e] > busiest ? served[e] : busiest;
  }
  printf("pqsim end time %llu checksum %llu\n", (unsigned long long)now, (unsigned long long)checksum);
  printf("pqsim kinds %u %u %u busiest %llu\n", kinds[0], kinds[1], kinds[2], (unsigned long long)busiest);
  return 0;
}
