/* C twin of src/kernels/primes/kernel.ts (segmented sieve over odd numbers): usage `primes FROM TO REPS`. */
#include <math.h>
#include "out.h"

#define SEGMENT (128u * 1024u)
#define BASE_LIMIT 65536u

static uint64_t isqrt64(uint64_t n) {
  uint64_t r = (uint64_t)sqrt((double)n);
  while (r * r > n) r--;
  while ((r + 1) * (r + 1) <= n) r++;
  return r;
}

static uint8_t base_flags[BASE_LIMIT];
static uint32_t base_primes[BASE_LIMIT / 2 + 1];
static uint8_t flags[SEGMENT];

static uint64_t count_zeros(const uint8_t *p, uint32_t len) {
  uint64_t zeros = 0;
  uint32_t i = 0;
  for (; i + 8 <= len; i += 8) {
    uint64_t word;
    memcpy(&word, p + i, 8);
    zeros += 8 - (uint64_t)__builtin_popcountll(word);
  }
  for (; i < len; i++) zeros += p[i] == 0;
  return zeros;
}

static uint64_t count_primes(uint64_t from, uint64_t to) {
  uint64_t count = from <= 2 && to > 2 ? 1 : 0;
  uint64_t lo = (from > 3 ? from : 3) | 1;
  if (lo >= to) return count;
  uint64_t s = isqrt64(to - 1);
  uint32_t limit = (uint32_t)(s < BASE_LIMIT - 1 ? s : BASE_LIMIT - 1);
  memset(base_flags, 0, (size_t)limit + 1);
  uint32_t base_count = 0;
  for (uint32_t p = 3; p <= limit; p += 2) {
    if (base_flags[p]) continue;
    base_primes[base_count++] = p;
    for (uint32_t m = p * p; m <= limit; m += 2 * p) base_flags[m] = 1;
  }
  while (lo < to) {
    uint64_t rest = (to - lo + 1) >> 1;
    uint32_t len = (uint32_t)(rest < SEGMENT ? rest : SEGMENT);
    uint64_t hi = lo + ((uint64_t)len << 1);
    memset(flags, 0, len);
    for (uint32_t k = 0; k < base_count; k++) {
      uint64_t p = base_primes[k], square = p * p;
      if (square >= hi) break;
      uint64_t m = square >= lo ? square : ((lo + p - 1) / p) * p;
      if ((m & 1) == 0) m += p;
      uint32_t step = (uint32_t)p;
      for (uint32_t i = (uint32_t)((m - lo) >> 1); i < len; i += step) flags[i] = 1;
    }
    count += count_zeros(flags, len);
    lo = hi;
  }
  return count;
}

static void run(uint64_t from, uint64_t to) {
  uint64_t count = count_primes(from, to);
  out_ascii("{\"from\":");
  out_uint(from);
  out_ascii(",\"to\":");
  out_uint(to);
  out_ascii(",\"count\":");
  out_uint(count);
  out_ascii("}");
}

int main(int argc, char **argv) {
  if (argc != 4) return fprintf(stderr, "usage: primes FROM TO REPS\n"), 2;
  TIME_RUNS(atoi(argv[3]), run(strtoull(argv[1], 0, 10), strtoull(argv[2], 0, 10)));
  return 0;
}
