/* Output buffer and timing shared by the C twins of the kernels (test/bench/native-kernels.bench.ts).
 * Each twin writes exactly the bytes its WebAssembly kernel writes, so the bench can check that
 * both computed the same thing before it compares their speed. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char *out_buf;
static size_t out_len, out_cap;

static void out_reserve(size_t extra) {
  if (out_len + extra <= out_cap) return;
  size_t cap = out_cap ? out_cap * 2 : 4096;
  while (cap < out_len + extra) cap *= 2;
  out_buf = realloc(out_buf, cap);
  out_cap = cap;
}
static void out_byte(char c) {
  out_reserve(1);
  out_buf[out_len++] = c;
}
static void out_ascii(const char *s) {
  size_t n = strlen(s);
  out_reserve(n);
  memcpy(out_buf + out_len, s, n);
  out_len += n;
}
static void out_uint(uint64_t v) {
  char tmp[24];
  int n = 0;
  do {
    tmp[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  out_reserve((size_t)n);
  while (n) out_buf[out_len++] = tmp[--n];
}

static double now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

/* Runs `once` `reps` times; prints the last output on stdout and the fastest run's ns on stderr. */
#define TIME_RUNS(reps, once)                                   \
  do {                                                          \
    double best = 1e300;                                        \
    for (int r_ = 0; r_ < (reps); r_++) {                       \
      out_len = 0;                                              \
      double t0_ = now_ns();                                    \
      once;                                                     \
      double dt_ = now_ns() - t0_;                              \
      if (dt_ < best) best = dt_;                               \
    }                                                           \
    fwrite(out_buf, 1, out_len, stdout);                        \
    fprintf(stderr, "%.0f\n", best);                            \
  } while (0)
