/* C twin of src/kernels/mandelbrot/kernel.ts: usage `mandelbrot W H X Y TW TH M REPS`. */
#include "out.h"

static uint32_t escape_time(double cr, double ci, uint32_t max_iter) {
  double zr = 0, zi = 0;
  uint32_t n = 0;
  while (n < max_iter) {
    double zr2 = zr * zr, zi2 = zi * zi;
    if (zr2 + zi2 > 4) break;
    zi = 2 * zr * zi + ci;
    zr = zr2 - zi2 + cr;
    n++;
  }
  return n;
}

static void run(uint64_t width, uint64_t height, uint64_t x, uint64_t y, uint64_t w, uint64_t h, uint64_t max_iter) {
  out_reserve(w * h * 7 + 128);
  out_ascii("{\"x\":");
  out_uint(x);
  out_ascii(",\"y\":");
  out_uint(y);
  out_ascii(",\"w\":");
  out_uint(w);
  out_ascii(",\"h\":");
  out_uint(h);
  out_ascii(",\"maxIter\":");
  out_uint(max_iter);
  out_ascii(",\"iters\":[");
  double W = (double)width, H = (double)height;
  for (uint64_t row = 0; row < h; row++) {
    double ci = -1.25 + (2.5 * ((double)(y + row) + 0.5)) / H;
    for (uint64_t col = 0; col < w; col++) {
      double cr = -2.5 + (3.5 * ((double)(x + col) + 0.5)) / W;
      if (row > 0 || col > 0) out_byte(',');
      out_uint(escape_time(cr, ci, (uint32_t)max_iter));
    }
  }
  out_ascii("]}");
}

int main(int argc, char **argv) {
  if (argc != 9) return fprintf(stderr, "usage: mandelbrot W H X Y TW TH M REPS\n"), 2;
  uint64_t v[7];
  for (int i = 0; i < 7; i++) v[i] = strtoull(argv[i + 1], 0, 10);
  TIME_RUNS(atoi(argv[8]), run(v[0], v[1], v[2], v[3], v[4], v[5], v[6]));
  return 0;
}
