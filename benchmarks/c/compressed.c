/*
 * Issue 14 §1: what this machine allows for Adam over compressed state, in plain C (gcc -O3 -march=native, OpenMP,
 * 2 threads), at a memory-bound size: float32 state against bf16 state (the same RNE rounding as Bf16.encode), bf16
 * gradient + bf16 state with and without the bf16 copy of θ, and two ways of keeping more memory traffic in flight:
 * walking each thread's part as two interleaved streams (what simd's VectorKernels does), and software prefetch
 * (which Java cannot issue). st32/st16 move the same bytes as float32/bf16 Adam with next to no arithmetic: the
 * bandwidth-only ratio. Not part of the Maven build.
 *
 *   gcc -O3 -march=native -fno-math-errno -ffp-contract=off -fopenmp compressed.c -o compressed -lm
 *   ./compressed [SIZE=16777216] [SECONDS=2] [ROUNDS=2] [THREADS=2]
 * prints per round: variant, Mparam/s (best of 5 slices), ratio to float32 Adam of the same round.
 */
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int n;
static float *theta, *g, *s, *r;
static uint16_t *g16, *s16, *r16, *c16;
static const float rho1 = 0.9f, rho2 = 0.999f, eps = 1e-8f, o1 = 0.1f, o2 = 0.001f, step = 0.01f, ib = 1.0f;
enum { BLOCK = 64, AHEAD = 512 }; /* two-stream turn and prefetch distance, in elements (both measured best here) */

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}
static inline float dec(uint16_t h) { uint32_t b = (uint32_t) h << 16; float f; memcpy(&f, &b, 4); return f; }
static inline uint16_t enc(float f) {
    uint32_t b;
    memcpy(&b, &f, 4);
    return (b & 0x7fffffff) > 0x7f800000 ? 0x7fc0 : (uint16_t) ((b + 0x7fff + ((b >> 16) & 1)) >> 16);
}
/* One element of each variant. */
static inline void f32At(int i) {
    float gi = g[i], si = rho1 * s[i] + o1 * gi, ri = rho2 * r[i] + o2 * gi * gi;
    s[i] = si; r[i] = ri; theta[i] = theta[i] - step * si / (sqrtf(ri) * ib + eps);
}
static inline void bf16At(int i) {
    float gi = g[i], si = rho1 * dec(s16[i]) + o1 * gi, ri = rho2 * dec(r16[i]) + o2 * gi * gi;
    s16[i] = enc(si); r16[i] = enc(ri); theta[i] = theta[i] - step * si / (sqrtf(ri) * ib + eps);
}
static inline void bf16gAt(int i, int copy) {
    float gi = dec(g16[i]), si = rho1 * dec(s16[i]) + o1 * gi, ri = rho2 * dec(r16[i]) + o2 * gi * gi;
    s16[i] = enc(si); r16[i] = enc(ri);
    float t = theta[i] - step * si / (sqrtf(ri) * ib + eps);
    theta[i] = t;
    if (copy) c16[i] = enc(t);
}

static void f32(void) {
#pragma omp parallel for schedule(static)
    for (int i = 0; i < n; i++) f32At(i);
}
static void bf16(void) {
#pragma omp parallel for schedule(static)
    for (int i = 0; i < n; i++) bf16At(i);
}
static void bf16g(void) {
#pragma omp parallel for schedule(static)
    for (int i = 0; i < n; i++) bf16gAt(i, 0);
}
static void bf16gCopy(void) {
#pragma omp parallel for schedule(static)
    for (int i = 0; i < n; i++) bf16gAt(i, 1);
}
/* Each thread's part [a, b) as [a, a + h) and [a + h, b), BLOCK elements of each in turn. */
#define TWO_STREAMS(BODY)                                                                        \
    _Pragma("omp parallel") {                                                                    \
        int T = omp_get_num_threads(), t = omp_get_thread_num(), per = n / T;                    \
        int a = t * per, b = t == T - 1 ? n : a + per, h = (b - a) / 2 / BLOCK * BLOCK;          \
        for (int o = a; o < a + h; o += BLOCK)                                                   \
            for (int w = 0; w < 2; w++)                                                          \
                for (int i = o + w * h; i < o + w * h + BLOCK; i++) BODY;                        \
        for (int i = a + 2 * h; i < b; i++) BODY;                                                \
    }
static void f32TwoStreams(void) { TWO_STREAMS(f32At(i)) }
static void bf16TwoStreams(void) { TWO_STREAMS(bf16At(i)) }
static void bf16gCopyTwoStreams(void) { TWO_STREAMS(bf16gAt(i, 1)) }
static void bf16Prefetch(void) {
#pragma omp parallel for schedule(static)
    for (int o = 0; o < n / 64 * 64; o += 64) {
        for (int q = 0; q < 64; q += 16) { __builtin_prefetch(&theta[o + q + AHEAD], 1); __builtin_prefetch(&g[o + q + AHEAD]); }
        for (int q = 0; q < 64; q += 32) { __builtin_prefetch(&s16[o + q + AHEAD], 1); __builtin_prefetch(&r16[o + q + AHEAD], 1); }
        for (int i = o; i < o + 64; i++) bf16At(i);
    }
}
static void st32(void) {
#pragma omp parallel for schedule(static)
    for (int i = 0; i < n; i++) { float gi = g[i]; s[i] = s[i] * 0.5f + gi; r[i] = r[i] * 0.5f + gi; theta[i] += gi; }
}
static void st16(void) {
#pragma omp parallel for schedule(static)
    for (int i = 0; i < n; i++) { s16[i] += 1; r16[i] += 3; theta[i] += g[i]; }
}

struct variant { const char *name; void (*step)(void); };
static const struct variant variants[] = {
    {"f32", f32}, {"bf16", bf16}, {"bf16-grad", bf16g}, {"bf16-grad+copy", bf16gCopy},
    {"f32-2streams", f32TwoStreams}, {"bf16-2streams", bf16TwoStreams}, {"bf16-grad+copy-2streams", bf16gCopyTwoStreams},
    {"bf16-prefetch", bf16Prefetch}, {"st32 (28 B)", st32}, {"st16 (20 B)", st16},
};

int main(int argc, char **argv) {
    n = argc > 1 ? atoi(argv[1]) : 1 << 24;
    double seconds = argc > 2 ? atof(argv[2]) : 2;
    int rounds = argc > 3 ? atoi(argv[3]) : 2, threads = argc > 4 ? atoi(argv[4]) : 2;
    if (n < 1024 || seconds <= 0 || rounds < 1 || threads < 1) {
        fprintf(stderr, "usage: %s [SIZE>=1024] [SECONDS>0] [ROUNDS>=1] [THREADS>=1]\n", argv[0]);
        return 2;
    }
#define ALLOC(p, bytes) p = aligned_alloc(64, ((size_t) (bytes) * (n + AHEAD + 64) + 63) / 64 * 64)
    ALLOC(theta, 4); ALLOC(g, 4); ALLOC(s, 4); ALLOC(r, 4); ALLOC(g16, 2); ALLOC(s16, 2); ALLOC(r16, 2); ALLOC(c16, 2);
    srand(42);
    for (int i = 0; i < n + AHEAD + 64; i++) {
        theta[i] = (float) rand() / RAND_MAX - 0.5f; g[i] = (float) rand() / RAND_MAX - 0.5f; g16[i] = enc(g[i]);
        s[i] = r[i] = 0; s16[i] = r16[i] = c16[i] = 0;
    }
    omp_set_num_threads(threads);
    for (int round = 1; round <= rounds; round++) {
        double base = 0;
        for (size_t k = 0; k < sizeof variants / sizeof variants[0]; k++) {
            double best = 0;
            for (int slice = 0; slice < 5; slice++) {
                variants[k].step(); /* outside the timing: first touch, thread start */
                long steps = 0;
                double t0 = now(), t;
                do { variants[k].step(); steps++; } while ((t = now()) < t0 + seconds / 5);
                double rate = steps * (double) n / (t - t0) / 1e6;
                if (rate > best) best = rate;
            }
            if (k == 0) base = best;
            printf("round %d  %-24s %6.0f Mparam/s  x%.2f\n", round, variants[k].name, best, best / base);
            fflush(stdout);
        }
    }
    return 0;
}
