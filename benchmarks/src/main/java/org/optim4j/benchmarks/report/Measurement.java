package org.optim4j.benchmarks.report;

/**
 * One JMH result of the suite, read back from JMH's JSON: which implementation ran which rule at which
 * size, and how fast.
 *
 * @param implementation {@code scalar}, {@code simd1}, {@code simd}, {@code nd4j} (our backends),
 *                       {@code nd4j-op}, {@code dl4j} (peers), {@code roofline-1t}, {@code roofline} (traffic-only)
 * @param rule           rule id
 * @param size           the size name ({@code 65536}, {@code 256x65536}, {@code mixed}, …)
 * @param parameters     parameters updated by one step
 * @param threads        JMH threads (the roofline on all cores runs one per core)
 * @param mparamPerSecond millions of parameters updated per second, over all threads
 * @param errorFraction  JMH's 99.9% confidence half-width relative to the score (NaN if unknown)
 * @param bytesPerStep   heap bytes allocated per step (JMH's gc.alloc.rate.norm; NaN if not profiled)
 */
public record Measurement(String implementation, String rule, String size, int parameters, int threads,
                          double mparamPerSecond, double errorFraction, double bytesPerStep) {
}
