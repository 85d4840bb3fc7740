// Cache-line round trip between CPU 0 and CPU 1, in ns: about 55-80 ns when this machine's two
// virtual CPUs sit close together, 330-360 ns in the "slow spells" bench/README.md describes,
// when every step's activations crossing between the two threads cost several times more.
// Built and run by bench/predict/spell.sh.
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

#define ROUNDS 200000L
static _Alignas(64) atomic_long flag;

static void pin(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

static void *answer(void *unused) {
  (void)unused;
  pin(1);
  for (long i = 0; i < ROUNDS; i++) {
    while (atomic_load(&flag) != 2 * i + 1) {}
    atomic_store(&flag, 2 * i + 2);
  }
  return NULL;
}

int main(void) {
  pthread_t other;
  pin(0);
  if (pthread_create(&other, NULL, answer, NULL) != 0) return 1;
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (long i = 0; i < ROUNDS; i++) {
    atomic_store(&flag, 2 * i + 1);
    while (atomic_load(&flag) != 2 * i + 2) {}
  }
  clock_gettime(CLOCK_MONOTONIC, &b);
  pthread_join(other, NULL);
  printf("%.0f\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / ROUNDS);
  return 0;
}
