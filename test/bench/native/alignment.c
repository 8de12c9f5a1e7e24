/* C twin of src/kernels/alignment (Smith-Waterman, BLASTN scoring): usage
 * `alignment FILE REPS striped|scalar`, FILE holding the query on its first line and one target
 * per further line (letters ACGT). `striped` is Farrar's loop on SSE2 (the instructions wasm's
 * i16x8 maps to), `scalar` the cell-by-cell Gotoh loop; both as in the kernel's two builds. */
#include <emmintrin.h>
#include "out.h"

#define MATCH 2
#define MISMATCH (-3)
#define GAP_EXTEND 2
#define GAP_OPEN_EXTEND 7
#define NEG (-0x40000000)

static int align_scalar(const uint8_t *q, int m, const uint8_t *t, int n, int32_t *h, int32_t *e, int32_t *ends) {
  for (int i = 0; i <= m; i++) h[i] = 0, e[i] = NEG;
  int best = 0, bi = 0, bj = 0;
  for (int j = 1; j <= n; j++) {
    uint8_t letter = t[j - 1];
    int diag = 0, up = 0, f = NEG;
    for (int i = 1; i <= m; i++) {
      int left = h[i];
      int ei = e[i] - GAP_EXTEND > left - GAP_OPEN_EXTEND ? e[i] - GAP_EXTEND : left - GAP_OPEN_EXTEND;
      f = f - GAP_EXTEND > up - GAP_OPEN_EXTEND ? f - GAP_EXTEND : up - GAP_OPEN_EXTEND;
      int s = q[i - 1] == letter ? MATCH : MISMATCH;
      int hij = diag + s > 0 ? diag + s : 0;
      if (ei > hij) hij = ei;
      if (f > hij) hij = f;
      diag = left;
      up = hij;
      h[i] = hij;
      e[i] = ei;
      if (hij > best) best = hij, bi = i, bj = j;
    }
  }
  ends[0] = bi, ends[1] = bj;
  return best;
}

typedef struct {
  int seg, m;
  __m128i *profile, *hstore, *hload, *e;
} striped_query;

static void striped_init(striped_query *sq, const uint8_t *q, int m) {
  int seg = m < 8 ? 1 : (m + 7) / 8;
  sq->seg = seg, sq->m = m;
  sq->profile = aligned_alloc(16, sizeof(__m128i) * 4 * (size_t)seg);
  sq->hstore = aligned_alloc(16, sizeof(__m128i) * (size_t)seg);
  sq->hload = aligned_alloc(16, sizeof(__m128i) * (size_t)seg);
  sq->e = aligned_alloc(16, sizeof(__m128i) * (size_t)seg);
  for (int letter = 0; letter < 4; letter++)
    for (int k = 0; k < seg; k++) {
      int16_t *p = (int16_t *)&sq->profile[letter * seg + k];
      for (int l = 0; l < 8; l++) {
        int i = l * seg + k;
        p[l] = (int16_t)(i < m && q[i] == letter ? MATCH : MISMATCH);
      }
    }
}

static int hmax(__m128i v) {
  v = _mm_max_epi16(v, _mm_srli_si128(v, 8));
  v = _mm_max_epi16(v, _mm_srli_si128(v, 4));
  v = _mm_max_epi16(v, _mm_srli_si128(v, 2));
  return (int16_t)_mm_extract_epi16(v, 0);
}

static int align_striped(striped_query *sq, const uint8_t *t, int n, int32_t *ends) {
  int seg = sq->seg;
  __m128i zero = _mm_setzero_si128(), vmin = _mm_set1_epi16(-32768);
  __m128i gapoe = _mm_set1_epi16(GAP_OPEN_EXTEND), gape = _mm_set1_epi16(GAP_EXTEND);
  __m128i *hstore = sq->hstore, *hload = sq->hload, *e = sq->e;
  for (int k = 0; k < seg; k++) hstore[k] = zero, e[k] = vmin;
  int best = 0, bi = 0, bj = 0;
  for (int j = 0; j < n; j++) {
    const __m128i *prof = sq->profile + t[j] * seg;
    __m128i vf = vmin;
    __m128i vh = _mm_slli_si128(hstore[seg - 1], 2);
    __m128i *swap = hload;
    hload = hstore, hstore = swap;
    __m128i colmax = zero;
    for (int k = 0; k < seg; k++) {
      vh = _mm_adds_epi16(vh, prof[k]);
      __m128i ve = e[k];
      vh = _mm_max_epi16(_mm_max_epi16(vh, ve), _mm_max_epi16(vf, zero));
      colmax = _mm_max_epi16(colmax, vh);
      hstore[k] = vh;
      __m128i open = _mm_subs_epi16(vh, gapoe);
      e[k] = _mm_max_epi16(_mm_subs_epi16(ve, gape), open);
      vf = _mm_max_epi16(_mm_subs_epi16(vf, gape), open);
      vh = hload[k];
    }
    vf = _mm_or_si128(_mm_slli_si128(vf, 2), _mm_srli_si128(vmin, 14));
    for (int pass = 0; pass < 8; pass++) {
      int more = 1;
      for (int k = 0; k < seg; k++) {
        __m128i h = hstore[k];
        if (!_mm_movemask_epi8(_mm_cmpgt_epi16(vf, _mm_subs_epi16(h, gapoe)))) {
          more = 0;
          break;
        }
        h = _mm_max_epi16(h, vf);
        hstore[k] = h;
        colmax = _mm_max_epi16(colmax, h);
        e[k] = _mm_max_epi16(e[k], _mm_subs_epi16(h, gapoe));
        vf = _mm_subs_epi16(vf, gape);
      }
      if (!more) break;
      vf = _mm_or_si128(_mm_slli_si128(vf, 2), _mm_srli_si128(vmin, 14));
    }
    int cm = hmax(colmax);
    if (cm > best) {
      best = cm, bj = j + 1;
      for (int i = 0; i < sq->m; i++) {
        int l = i / seg, k = i - l * seg;
        if (((int16_t *)&hstore[k])[l] == cm) {
          bi = i + 1;
          break;
        }
      }
    }
  }
  ends[0] = best > 0 ? bi : 0, ends[1] = bj;
  return best;
}

static uint8_t *seqs[70000];
static int lens[70000];
static int count;

static void run(int striped) {
  const uint8_t *q = seqs[0];
  int m = lens[0], targets = count - 1;
  int32_t *scores = malloc(sizeof(int32_t) * (size_t)(targets + 1)), *ends = malloc(sizeof(int32_t) * 2 * (size_t)(targets + 1));
  int32_t *h = malloc(sizeof(int32_t) * (size_t)(m + 1)), *e = malloc(sizeof(int32_t) * (size_t)(m + 1));
  striped_query sq;
  if (striped) striped_init(&sq, q, m);
  for (int k = 0; k < targets; k++) {
    int n = lens[k + 1];
    if (m == 0 || n == 0) scores[k] = 0, ends[2 * k] = 0, ends[2 * k + 1] = 0;
    else if (striped) scores[k] = align_striped(&sq, seqs[k + 1], n, ends + 2 * k);
    else scores[k] = align_scalar(q, m, seqs[k + 1], n, h, e, ends + 2 * k);
  }
  out_ascii("{\"scores\":[");
  for (int k = 0; k < targets; k++) {
    if (k) out_byte(',');
    out_uint((uint64_t)scores[k]);
  }
  out_ascii("],\"ends\":[");
  for (int k = 0; k < targets; k++) {
    if (k) out_byte(',');
    out_byte('[');
    out_uint((uint64_t)ends[2 * k]);
    out_byte(',');
    out_uint((uint64_t)ends[2 * k + 1]);
    out_byte(']');
  }
  out_ascii("]}");
  if (striped) free(sq.profile), free(sq.hstore), free(sq.hload), free(sq.e);
  free(scores), free(ends), free(h), free(e);
}

int main(int argc, char **argv) {
  if (argc != 4) return fprintf(stderr, "usage: alignment FILE REPS striped|scalar\n"), 2;
  FILE *f = fopen(argv[1], "r");
  if (!f) return perror(argv[1]), 2;
  static char line[1 << 20];
  while (count < 70000 && fgets(line, sizeof line, f)) {
    int n = (int)strcspn(line, "\r\n");
    seqs[count] = malloc((size_t)n + 1);
    for (int i = 0; i < n; i++) {
      char c = (char)(line[i] | 0x20);
      seqs[count][i] = (uint8_t)(c == 'a' ? 0 : c == 'c' ? 1 : c == 'g' ? 2 : 3);
    }
    lens[count++] = n;
  }
  fclose(f);
  if (count == 0) return fprintf(stderr, "alignment: %s has no query line\n", argv[1]), 2;
  int striped = strcmp(argv[3], "striped") == 0;
  TIME_RUNS(atoi(argv[2]), run(striped));
  return 0;
}
