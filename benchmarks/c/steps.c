/*
 * The six SPEC rules as plain C loops (the same float32 equations, in the same order, as
 * backends/simd's SimdKernels), OpenMP over one flat buffer: the native yardstick that issue 14 §2
 * compares simd's in-cache step with. Not part of the Maven build; run-vs-simd.sh compiles and runs it.
 *
 *   gcc -O3 -march=native -fno-math-errno -ffp-contract=off -fopenmp steps.c -o steps -lm
 * (-ffp-contract=off: no fused multiply-adds, which the Java loops do not use either.)
 *   ./steps SIZE SECONDS [RULE...]     prints: rule size threads Mparam/s (best of 5 timed slices)
 *
 * Each rule is timed with 1 and 2 threads (omp_set_num_threads), each slice runs back-to-back steps for
 * SECONDS/5 s; the best slice is printed, as JMH's best iteration would be. θ and state are reset before
 * each slice, so every slice does the same work as the JMH benchmark's iterations.
 */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int n;
static float *theta, *g, *s, *r, *theta0;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

/* Scalars as the JMH benchmark's rules: α 0.01, ρ 0.9, ρ₂ 0.999, ε 1e-8; Adam's bias corrections at step 10. */
static const float alpha = 0.01f, rho = 0.9f, rho2 = 0.999f, eps = 1e-8f;

static void sgd(void) {
#pragma omp parallel for schedule(static)
    for (int i = 0; i < n; i++) theta[i] = theta[i] - alpha * g[i];
}

static void momentum(void) {
#pragma omp parallel for schedule(static)
    for (int i = 0; i < n; i++) {
        float si = rho * s[i] - alpha * g[i];
        s[i] = si;
        theta[i] = theta[i] + si;
    }
}

static void nesterov(void) {
    const float onePlusRho = 1 + rho;
#pragma omp parallel for schedule(static)
    for (int i = 0; i < n; i++) {
        float sOld = s[i];
        float sNew = rho * sOld - alpha * g[i];
        s[i] = sNew;
        theta[i] = theta[i] + onePlusRho * sNew - rho * sOld;
    }
}

static void adagrad(void) {
#pragma omp parallel for schedule(static)
    for (int i = 0; i < n; i++) {
        float gi = g[i];
        float ri = r[i] + gi * gi;
        r[i] = ri;
        theta[i] = theta[i] - alpha * gi / (sqrtf(ri) + eps);
    }
}

static void rmsprop(void) {
    const float oneMinusRho2 = 1 - rho2;
#pragma omp parallel for schedule(static)
    for (int i = 0; i < n; i++) {
        float gi = g[i];
        float ri = rho2 * r[i] + oneMinusRho2 * gi * gi;
        r[i] = ri;
        theta[i] = theta[i] - alpha * gi / (sqrtf(ri) + eps);
    }
}

static void adam(void) {
    const float rho1 = rho, oneMinusRho1 = 1 - rho, oneMinusRho2 = 1 - rho2;
    const float stepSize = (float) (alpha / (1 - pow(rho1, 10)));
    const float invSqrtBc2 = (float) (1 / sqrt(1 - pow(rho2, 10)));
#pragma omp parallel for schedule(static)
    for (int i = 0; i < n; i++) {
        float gi = g[i];
        float si = rho1 * s[i] + oneMinusRho1 * gi;
        float ri = rho2 * r[i] + oneMinusRho2 * gi * gi;
        s[i] = si;
        r[i] = ri;
        theta[i] = theta[i] - stepSize * si / (sqrtf(ri) * invSqrtBc2 + eps);
    }
}

static void reset(void) {
    memcpy(theta, theta0, sizeof(float) * n);
    memset(s, 0, sizeof(float) * n);
    memset(r, 0, sizeof(float) * n);
}

struct rule { const char *name; void (*step)(void); };
static const struct rule rules[] = {
    {"sgd", sgd}, {"momentum", momentum}, {"nesterov", nesterov},
    {"adagrad", adagrad}, {"rmsprop", rmsprop}, {"adam", adam},
};

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s SIZE SECONDS [RULE...]\n", argv[0]);
        return 2;
    }
    n = atoi(argv[1]);
    double seconds = atof(argv[2]);
    if (n <= 0 || seconds <= 0) {
        fprintf(stderr, "SIZE and SECONDS must be positive, got %s %s\n", argv[1], argv[2]);
        return 2;
    }
    theta = aligned_alloc(64, sizeof(float) * n + 64);
    theta0 = aligned_alloc(64, sizeof(float) * n + 64);
    g = aligned_alloc(64, sizeof(float) * n + 64);
    s = aligned_alloc(64, sizeof(float) * n + 64);
    r = aligned_alloc(64, sizeof(float) * n + 64);
    srand(42);
    for (int i = 0; i < n; i++) {
        theta0[i] = (float) rand() / RAND_MAX - 0.5f;
        g[i] = (float) rand() / RAND_MAX - 0.5f;
    }
    for (size_t k = 0; k < sizeof rules / sizeof rules[0]; k++) {
        int wanted = argc == 3;
        for (int a = 3; a < argc; a++) wanted |= strcmp(argv[a], rules[k].name) == 0;
        if (!wanted) continue;
        for (int threads = 1; threads <= 2; threads++) {
            omp_set_num_threads(threads);
            double best = 0;
            for (int slice = 0; slice < 5; slice++) {
                reset();
                rules[k].step(); /* first touch and thread start outside the timing */
                long steps = 0;
                double start = now(), end = start + seconds / 5, t;
                do {
                    for (int j = 0; j < 16; j++) rules[k].step();
                    steps += 16;
                } while ((t = now()) < end);
                double rate = steps * (double) n / (t - start) / 1e6;
                if (rate > best) best = rate;
            }
            printf("%s %d %d %.0f\n", rules[k].name, n, threads, best);
            fflush(stdout);
        }
    }
    return 0;
}
