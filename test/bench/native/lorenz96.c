/* C twin of src/kernels/lorenz96/kernel.ts (RK4 ensemble member with its control twin):
 * usage `lorenz96 N FORCING_MILLI DT_MICRO STEPS EVERY MEMBER PERTURB_NANO REPS`.
 * Build with -ffp-contract=off: a fused multiply-add would round differently from wasm. */
#include <math.h>
#include "out.h"

static double unit_noise(uint64_t member, uint64_t i) {
  uint64_t z = (member << 32) + i + 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  z = z ^ (z >> 31);
  return (double)(z >> 11) * 2.220446049250313e-16 - 1;
}

/* As the kernel: the ring wraps only at i = 0, 1 and n-1; the loop between reads neighbours directly. */
static void tendency(const double *y, double *k, int n, double forcing) {
  double y0 = y[0], y1 = y[1], yl = y[n - 1], yl1 = y[n - 2];
  k[0] = (y1 - yl1) * yl - y0 + forcing;
  k[1] = (y[2] - yl) * y0 - y1 + forcing;
  for (int i = 2; i < n - 1; i++) k[i] = (y[i + 1] - y[i - 2]) * y[i - 1] - y[i] + forcing;
  k[n - 1] = (y0 - y[n - 3]) * yl1 - yl + forcing;
}

static void rk4(double *x, int n, double forcing, double dt, double *work) {
  double *k1 = work, *k2 = k1 + n, *k3 = k2 + n, *k4 = k3 + n, *y = k4 + n;
  double half = dt * 0.5, sixth = dt / 6;
  tendency(x, k1, n, forcing);
  for (int i = 0; i < n; i++) y[i] = x[i] + half * k1[i];
  tendency(y, k2, n, forcing);
  for (int i = 0; i < n; i++) y[i] = x[i] + half * k2[i];
  tendency(y, k3, n, forcing);
  for (int i = 0; i < n; i++) y[i] = x[i] + dt * k3[i];
  tendency(y, k4, n, forcing);
  for (int i = 0; i < n; i++) {
    double sum = k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i];
    x[i] = x[i] + sixth * sum;
  }
}

static void sample(const double *x, const double *c, int n, int twin, double *at) {
  double sum = 0, squares = 0, dist = 0;
  for (int i = 0; i < n; i++) {
    double xi = x[i];
    sum += xi;
    squares += xi * xi;
    if (twin) {
      double d = xi - c[i];
      dist += d * d;
    }
  }
  at[0] = sum / (double)n;
  at[1] = squares * 0.5;
  at[2] = sqrt(dist);
}

static void out_sci(double value) {
  if (value == 0) {
    out_byte('0');
    return;
  }
  if (value < 0) out_byte('-');
  double m = fabs(value);
  int e = 0;
  while (m >= 10) {
    m = m / 10;
    e++;
  }
  while (m < 1) {
    m = m * 10;
    e--;
  }
  double digits = floor(m * 1e11 + 0.5);
  if (digits >= 1e12) {
    digits = 1e11;
    e++;
  }
  uint64_t d = (uint64_t)digits, frac = d % 100000000000ull;
  out_uint(d / 100000000000ull);
  if (frac != 0) {
    out_byte('.');
    int width = 11;
    while (frac % 10 == 0) {
      frac /= 10;
      width--;
    }
    int pad = width;
    for (uint64_t f = frac; f >= 10; f /= 10) pad--;
    for (int i = 1; i < pad; i++) out_byte('0');
    out_uint(frac);
  }
  if (e != 0) {
    out_byte('e');
    if (e < 0) out_byte('-');
    out_uint((uint64_t)(e < 0 ? -e : e));
  }
}

static void run(const uint64_t *v) {
  int n = (int)v[0];
  uint64_t steps = v[3], every = v[4], member = v[5];
  double forcing = (double)v[1] / 1000, dt = (double)v[2] / 1000000, eps = (double)v[6] / 1000000000;
  int twin = member != 0, samples = (int)(steps / every) + 1;
  double *x = malloc(sizeof(double) * (size_t)n), *c = malloc(sizeof(double) * (size_t)n);
  double *work = malloc(sizeof(double) * 5 * (size_t)n), *out = malloc(sizeof(double) * 3 * (size_t)samples);
  for (int i = 0; i < n; i++) {
    double ci = i == 0 ? forcing + 0.01 : forcing;
    c[i] = ci;
    x[i] = ci + eps * unit_noise(member, (uint64_t)i);
  }
  sample(x, c, n, twin, out);
  for (uint64_t step = 1; step <= steps; step++) {
    rk4(x, n, forcing, dt, work);
    if (twin) rk4(c, n, forcing, dt, work);
    if (step % every == 0) sample(x, c, n, twin, out + (step / every) * 3);
  }
  out_ascii("{\"n\":");
  out_uint(v[0]);
  out_ascii(",\"member\":");
  out_uint(member);
  out_ascii(",\"steps\":");
  out_uint(steps);
  out_ascii(",\"every\":");
  out_uint(every);
  const char *names[3] = {"mean", "energy", "distance"};
  for (int q = 0; q < 3; q++) {
    out_ascii(",\"");
    out_ascii(names[q]);
    out_ascii("\":[");
    for (int s = 0; s < samples; s++) {
      if (s > 0) out_byte(',');
      out_sci(out[s * 3 + q]);
    }
    out_byte(']');
  }
  out_byte('}');
  free(x), free(c), free(work), free(out);
}

int main(int argc, char **argv) {
  if (argc != 9) return fprintf(stderr, "usage: lorenz96 N F D S E M P REPS\n"), 2;
  uint64_t v[7];
  for (int i = 0; i < 7; i++) v[i] = strtoull(argv[i + 1], 0, 10);
  TIME_RUNS(atoi(argv[8]), run(v));
  return 0;
}
