package org.optim4j.backends.simd;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.optim4j.spi.Buffer;
import org.optim4j.spi.Kernel;
import org.optim4j.spi.StepScalars;

/**
 * Runs an element-wise kernel over {@code [from, to)} on the calling thread plus daemon workers, any number of them.
 *
 * <p>The range is cut into one contiguous part per thread (boundaries at multiples of 64 elements, so no
 * two threads share a cache line). Part 0 is the caller's, part {@code w} is worker {@code w}'s, so from
 * step to step each thread touches the same elements and they stay in its core's cache (measured: a
 * dynamic chunk queue, which moves chunks between cores, halved the speed of a 64K Adam step). When the
 * caller has finished its own part it claims and runs any part a worker has not started yet, so a worker
 * that is slow to wake (parked, or descheduled on a busy machine) costs time only if it already holds a part.
 *
 * <p><b>Balance.</b> The parts are not equal: a worker starts a hand-off latency after the caller, so the
 * caller's part 0 is larger by a number of elements learnt per kernel (see {@code learn}): 64 more after a
 * call in which the caller finished first and had to wait, 64 fewer after one in which the workers were done
 * first. Issue 14 §2, 64K, 2 threads, best of 3 interleaved rounds against plain C/OpenMP loops of the same
 * equations ({@code benchmarks/c/run-vs-simd.sh}): SGD went from 0.85 to 1.01 of C, momentum and Nesterov
 * from 0.84–0.86 to 0.93; the rules bound by √ and ÷ (AdaGrad, RMSProp, Adam) stayed at 0.81–0.84, their gap
 * being the compiled loop itself (the same gap single-threaded), not the hand-off.
 *
 * <p><b>Hand-off protocol.</b> Each part {@code p ≥ 1} has a {@link Slot} of its own: an object padded to
 * sit alone on its cache lines, holding the word its worker polls <em>and</em> the part's work (kernel,
 * scalars, buffers, range), so the one cache-line transfer that tells a worker it has work also brings it
 * the work. The word holds the number {@code c} of the call that last used the slot and a state, as
 * {@code c·4 + state}: {@code OFFERED}, {@code TAKEN} or {@code DONE}. A call numbered {@code c}:
 * <ol>
 *   <li>the caller writes each part's work into that part's slot, then sets the slot's word to
 *       {@code OFFERED(c)} (a volatile write, which publishes the work); slots of parts this call does not have
 *       are not touched;</li>
 *   <li>whoever claims part {@code p} (worker {@code p}, or the caller stealing it) does so by a CAS from
 *       {@code OFFERED(c)} to {@code TAKEN(c)}; only the thread whose CAS succeeded reads the fields and runs
 *       the part, then sets {@code DONE(c)};</li>
 *   <li>the caller runs part 0, steals the parts still {@code OFFERED(c)}, and returns once every part's slot
 *       reads {@code DONE(c)}.</li>
 * </ol>
 * Why a part runs exactly once, with its own call's fields: a slot's values never repeat (call numbers only
 * grow, and within a call the state only advances), so a CAS from {@code OFFERED(c)} can succeed only while
 * call {@code c} is running and part {@code p} exists in it and is unclaimed; the call cannot end (and the
 * caller cannot write the next call's fields) before that part is {@code DONE(c)}, which happens after the
 * claimer has read the fields. A worker that looks late, or at a slot of a part its call does not have, finds
 * {@code TAKEN} or {@code DONE} of some call (every call ends with all its slots {@code DONE}) and claims
 * nothing. Completion is per part and per call, so nothing a late thread does can count towards another call.
 * (A single word of claim bits plus a shared "parts done" counter, the earlier design, let a worker whose part
 * did not exist in one call claim it against that call while the next call's fields were being written:
 * issue 10.)
 *
 * <p>Why the slots are objects: before issue 14 they were longs of an {@code AtomicLongArray} and the call's
 * fields lived in the splitter itself, next to the {@code closed} flag that every spinning worker read, so the
 * caller's field writes could pull that line back and forth, and a worker that took a part then fetched its work
 * from a second line. {@code HandoffBenchmark} at 2 threads, interleaved: 0.40–0.47 µs per call before,
 * 0.37 after (within the noise of this shared machine, so claimed only as "not slower").
 *
 * <p>Workers spin for {@value #SPIN_MICROS} µs after their last part, so back-to-back steps hand off
 * without a system call, and then park; the caller unparks a parked worker when it offers it a part (a
 * worker sets its slot's "parked" flag, then re-reads its slot before parking; the caller sets the slot, then
 * reads the flag: one of them sees the other's write). The spin is short on purpose: on the shared 2-vCPU
 * machine this was measured on, a thread spinning on the other vCPU halved the speed of the thread doing the work.
 *
 * <p>Element-wise kernels compute each element independently, so any cut gives bitwise-identical results.
 * Ranges shorter than {@code minSplit} elements, and calls that find the workers busy with another
 * optimizer's step, run on the calling thread alone.
 */
final class RangeSplitter implements AutoCloseable {
    private static final int ALIGN = 64;
    private static final long SPIN_MICROS = 20;
    private static final long OFFERED = 0;
    private static final long TAKEN = 1;
    private static final long DONE = 2;
    private static final long STATE = 3;

    private final int threads;
    private final int minSplit;
    private final Worker[] workers;
    /** Per part p ≥ 1, at index p: its slot (index 0, the caller's part, has none). */
    private final Slot[] slots;
    private final ReentrantLock busy = new ReentrantLock();
    /** Number of the last call; read and written only by the thread holding {@link #busy}. */
    private long call;
    /** The first failure of a worker's part in the current call (rare: written only when a part throws). */
    private volatile Throwable failure;
    /**
     * Per kernel (a small table by identity hash, read and written only under {@link #busy}): how many elements
     * more than an equal share the caller's part 0 gets, learnt from call to call. A worker starts its part a
     * hand-off latency after the caller starts part 0; this bonus keeps the caller busy for that time instead of
     * waiting for the worker at the end. It is a count of elements, not a fraction, because the latency is a time:
     * the same for a kernel whatever the range's length.
     */
    private final Kernel[] balanceKeys = new Kernel[SLOTS];
    private final int[] balance = new int[SLOTS];
    /** Per kernel, under {@link #busy}: {@link System#nanoTime()} at the end of its last call that could split. */
    private final long[] lastEnd = new long[SLOTS];
    /** Entries of the per-kernel tables (balance, cost): kernels by identity hash, a collision just starts over. */
    private static final int SLOTS = 64;

    /**
     * Whether ranges shorter than {@link #minSplit} may still be split when their kernel is costly enough
     * (below {@value #ADAPT_FROM} elements never). Measured for issue 14 §2 ({@code SplitThresholdBenchmark}, 2
     * threads, always vs never splitting): splitting pays from about 24K elements for SGD (≈ 0.08 ns an element
     * in cache) but from about 6K for Adam (≈ 0.38 ns): both match a split costing about
     * {@value #SPLIT_COST_NANOS} ns more than running alone, so a range is split when its kernel's measured
     * time alone, n·c, exceeds twice that (each thread then saves n·c/2).
     */
    private final boolean adaptive;
    private static final int ADAPT_FROM = 4096;
    private static final double SPLIT_COST_NANOS = 1000;
    /**
     * Per kernel (racy on purpose: several optimizers may run alone at once, and a stale or lost entry only
     * changes whether a range is split, never a result): the least time per element seen when it ran alone
     * (0: not measured yet), and a call counter; the first {@value #WARM_SAMPLES} calls and then one in 64 run alone
     * and are timed, so a measurement taken before the JIT compiled the kernel, or while the thread was preempted,
     * is soon replaced by a smaller one.
     */
    private final Kernel[] costKeys = new Kernel[SLOTS];
    private final float[] costNanos = new float[SLOTS];
    private final int[] costCalls = new int[SLOTS];

    /** 64 bytes before a slot's fields, so that no other object's data shares their cache line. */
    @SuppressWarnings("unused")
    private abstract static class SlotPadBefore {
        long p0, p1, p2, p3, p4, p5, p6, p7;
    }

    /** What a worker polls, and the work of its part in the current call, on one cache line. */
    private abstract static class SlotFields extends SlotPadBefore {
        /** call·4 + state; read and CAS'd through {@link #WORD}. */
        volatile long word;
        /** 1 while its worker parks or is about to. */
        volatile int parked;
        /** Set once by {@link #close()}; on this line, so a spinning worker reads nothing else. */
        volatile boolean closed;
        // The part's work, written by the caller before it offers the part, read by the part's claimer after its CAS.
        Kernel kernel;
        StepScalars scalars;
        Buffer[] buffers;
        int lo;
        int hi;
    }

    /** A part's slot: its fields padded by 64 bytes on each side (superclass fields are laid out first). */
    @SuppressWarnings("unused")
    private static final class Slot extends SlotFields {
        long q0, q1, q2, q3, q4, q5, q6, q7;
    }

    private static final VarHandle WORD;

    static {
        try {
            WORD = MethodHandles.lookup().findVarHandle(SlotFields.class, "word", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * @param threads  total threads including the caller, at least 1 ({@code threads − 1} workers are started)
     * @param minSplit ranges shorter than this run on the caller alone (unless {@code adaptive})
     * @param adaptive  whether a range between {@value #ADAPT_FROM} and {@code minSplit} elements is split when its
     *                  kernel's measured cost says it pays
     */
    RangeSplitter(int threads, int minSplit, boolean adaptive) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.adaptive = adaptive;
        this.minSplit = Math.max(minSplit, 2 * ALIGN);
        this.slots = new Slot[threads];
        for (int p = 1; p < threads; p++) {
            slots[p] = new Slot();
            slots[p].word = DONE; // call 0, done: nothing to claim
        }
        this.workers = new Worker[threads - 1];
        try {
            for (int w = 0; w < workers.length; w++) {
                workers[w] = new Worker(w + 1);
                workers[w].start();
            }
        } catch (RuntimeException | Error e) { // e.g. the OS refused a thread: stop those already started
            close();
            throw e;
        }
    }

    int threads() {
        return threads;
    }

    void run(Kernel k, StepScalars s, Buffer[] b, int from, int to) {
        int n = to - from;
        int at = slot(k);
        if (n < minSplit && workers.length > 0 && adaptive && n >= ADAPT_FROM) {
            int decision = decide(at, k, s, b, from, to);
            if (decision == RAN) {
                return;
            }
            if (decision == ALONE) {
                k.apply(s, b, from, to);
                return;
            }
        } else if (n < minSplit) {
            k.apply(s, b, from, to);
            return;
        }
        if (workers.length == 0 || !busy.tryLock()) {
            k.apply(s, b, from, to);
            return;
        }
        int count = 0;
        try {
            if (slots[1].closed) {
                k.apply(s, b, from, to);
                return;
            }
            int parts = (int) Math.min(threads, n / ALIGN);
            long size = ((n + (long) parts - 1) / parts + ALIGN - 1) / ALIGN * ALIGN;
            count = (int) ((n + size - 1) / size);
            if (adaptive && !backToBack(at) && anyParked(count) && !worthWaking(at, k, n)) {
                // Waking a parked worker costs more than it saves on this range (see WAKE_WORK_NANOS_*): run it alone.
                count = 0;
                long t0 = System.nanoTime();
                k.apply(s, b, from, to);
                long t1 = System.nanoTime();
                float measured = (float) ((t1 - t0) / (double) n);
                if (gapCostNanos[at] == 0 || measured < gapCostNanos[at]) {
                    gapCostNanos[at] = measured;
                }
                lastEnd[at] = t1;
                return;
            }
            // Part 0 (the caller's) gets the learnt bonus; parts 1.. share the rest equally, on 64-element bounds.
            if (balanceKeys[at] != k) {
                balanceKeys[at] = k;
                balance[at] = 0;
            }
            long first = count > 1 ? Math.min(size + balance[at], n - (long) (count - 1) * ALIGN) : n;
            long rest = count > 1 ? ((n - first + count - 2) / (count - 1) + ALIGN - 1) / ALIGN * ALIGN : 0;
            if (failure != null) {
                failure = null;
            }
            long offer = (++call << 2) | OFFERED;
            for (int p = 1; p < count; p++) {
                Slot slot = slots[p];
                slot.kernel = k;
                slot.scalars = s;
                slot.buffers = b;
                slot.lo = (int) Math.min(to, from + first + (p - 1) * rest);
                slot.hi = (int) Math.min(to, from + first + p * rest);
                slot.word = offer; // volatile: publishes the part's work to its claimer
                if (slot.parked != 0) {
                    LockSupport.unpark(workers[p - 1]);
                }
            }
            Throwable own = null;
            try {
                k.apply(s, b, from, (int) (from + first));
            } catch (Throwable t) {
                own = t; // reported after the workers are done with the buffers
            }
            learn(at, offer, count, size);
            for (int p = 1; p < count; p++) {
                tryRun(slots[p], offer); // whatever a worker has not claimed yet
            }
            long done = offer | DONE;
            for (int p = 1; p < count; p++) {
                int spins = 0;
                while ((long) WORD.getAcquire(slots[p]) != done) {
                    if (++spins > 1000) {
                        Thread.yield(); // a worker holding a part was descheduled (busy machine)
                    } else {
                        Thread.onSpinWait();
                    }
                }
            }
            Throwable f = own != null ? own : failure;
            if (f instanceof RuntimeException re) {
                throw re;
            }
            if (f instanceof Error e) {
                throw e;
            }
            if (f != null) {
                throw new IllegalStateException("simd worker failed", f);
            }
        } finally {
            if (adaptive && count > 0) {
                lastEnd[at] = System.nanoTime();
            }
            for (int p = 1; p < count; p++) { // the user's buffers are not kept reachable between calls
                Slot slot = slots[p];
                slot.kernel = null;
                slot.scalars = null;
                slot.buffers = null;
            }
            busy.unlock();
        }
    }

    /**
     * After a gap, a range is split with a parked worker when its kernel's time alone after a gap
     * ({@link #gapCostNanos}) times its length exceeds twice the wake's cost W: the split saves half the work.
     * Measured for issue 14 §2 ({@code SteppingWithGapsBenchmark}: a step after 100 µs or 1 ms of other work, as in
     * a training loop, by which time the workers have parked; W = time split − half the time alone): W ≈ 16–30 µs
     * after 100 µs, 45–58 µs after 1 ms (a worker parked longer sleeps deeper). Examples after 1 ms: SGD 256K 66 µs
     * alone, 91 split; SGD 512K 163 alone, 126 split; Adam 256K 187 alone, 144 split; Adam 128K 80 and 80.
     */
    private static final double WAKE_WORK_NANOS_SHORT_GAP = 60_000;
    private static final double WAKE_WORK_NANOS_LONG_GAP = 100_000;
    /** Gaps from this long on use {@link #WAKE_WORK_NANOS_LONG_GAP}. */
    private static final long LONG_GAP_NANOS = 300_000;
    /** After a gap, a range this long is split without asking ({@link #worthWaking}): the wake is a few % of it. */
    private static final int ALWAYS_WAKE_FROM = 1 << 22;

    /**
     * Per kernel, under {@link #busy}: the least time per element of its calls that ran alone after a gap (0: none
     * yet), and a count of its calls after a gap; the first and then one in 64 run alone and are timed (a first
     * sample may be taken before the JIT compiled the kernel; a later smaller one replaces it).
     */
    private final Kernel[] gapCostKeys = new Kernel[SLOTS];
    private final float[] gapCostNanos = new float[SLOTS];
    private final int[] gapCalls = new int[SLOTS];

    /**
     * Whether a range of {@code n} elements of {@code k}, after a gap (workers parked, the kernel's previous call not
     * just before), is worth waking a parked worker for; false also when this call is to run alone and be timed.
     */
    private boolean worthWaking(int at, Kernel k, int n) {
        if (n >= ALWAYS_WAKE_FROM) {
            return true;
        }
        if (gapCostKeys[at] != k) {
            gapCostKeys[at] = k;
            gapCostNanos[at] = 0;
            gapCalls[at] = 0;
        }
        float c = gapCostNanos[at];
        if (c == 0 || (++gapCalls[at] & 63) == 0) {
            return false;
        }
        boolean longGap = System.nanoTime() - lastEnd[at] >= LONG_GAP_NANOS;
        return n * (double) c >= (longGap ? WAKE_WORK_NANOS_LONG_GAP : WAKE_WORK_NANOS_SHORT_GAP);
    }

    private boolean anyParked(int count) {
        for (int p = 1; p < count; p++) {
            if (slots[p].parked != 0) {
                return true;
            }
        }
        return false;
    }

    /** The entry of {@code k} in the per-kernel tables (balance, cost, last end): by identity hash. */
    private static int slot(Kernel k) {
        return System.identityHashCode(k) & (SLOTS - 1);
    }

    /**
     * Whether this kernel's previous call through the splitter ended less than {@code 2 × SPIN_MICROS} ago: steps back
     * to back, where waking the workers once keeps them spinning for the calls that follow.
     */
    private boolean backToBack(int at) {
        long previous = lastEnd[at]; // a hash collision (another kernel's entry): just imprecise
        return System.nanoTime() - previous < 2 * TimeUnit.MICROSECONDS.toNanos(SPIN_MICROS);
    }

    /** A kernel's first calls are all timed: one sample can be slow (not yet compiled, or the thread preempted). */
    private static final int WARM_SAMPLES = 16;
    private static final int SPLIT = 0;
    private static final int ALONE = 1;
    private static final int RAN = 2;

    /**
     * For a range of {@value #ADAPT_FROM} to {@link #minSplit} elements: {@code SPLIT} if the kernel's measured cost
     * says splitting pays, {@code ALONE} if not; or, on a sampled call, runs the range alone, times it and returns
     * {@code RAN}.
     */
    private int decide(int at, Kernel k, StepScalars s, Buffer[] b, int from, int to) {
        int n = to - from;
        if (costKeys[at] != k) {
            costKeys[at] = k;
            costNanos[at] = 0;
            costCalls[at] = 0;
        }
        float c = costNanos[at];
        int calls = ++costCalls[at];
        if (c != 0 && calls > WARM_SAMPLES && (calls & 63) != 0) {
            return n * (double) c > 2 * SPLIT_COST_NANOS ? SPLIT : ALONE;
        }
        long t0 = System.nanoTime();
        k.apply(s, b, from, to);
        float measured = (float) ((System.nanoTime() - t0) / (double) n);
        if (c == 0 || measured < c) {
            costNanos[at] = measured;
        }
        return RAN;
    }

    /**
     * After part 0: a worker still running its part means the caller will wait, so the caller takes 64 elements
     * more next time; every worker already done means the caller was the slow one, so 64 fewer. A part not yet
     * taken (a parked or descheduled worker, which the caller is about to run itself) teaches nothing.
     */
    private void learn(int at, long offer, int count, long size) {
        boolean running = false, allDone = true;
        for (int p = 1; p < count; p++) {
            long w = slots[p].word;
            running |= w == (offer | TAKEN);
            allDone &= w == (offer | DONE);
            if (w == offer) {
                return;
            }
        }
        if (running && balance[at] + ALIGN <= size / 2) {
            balance[at] += ALIGN;
        } else if (allDone && balance[at] >= ALIGN) {
            balance[at] -= ALIGN;
        }
    }

    /** Claims the slot's part if its word still holds {@code offer}, runs it and marks it done; else does nothing. */
    private boolean tryRun(Slot slot, long offer) {
        if (slot.word != offer || !WORD.compareAndSet(slot, offer, offer | TAKEN)) {
            return false;
        }
        // The claim succeeded, so this call is running and waits for this part: the slot's work is this call's.
        try {
            slot.kernel.apply(slot.scalars, slot.buffers, slot.lo, slot.hi);
        } catch (Throwable t) {
            failure = t;
        } finally {
            WORD.setRelease(slot, offer | DONE);
        }
        return true;
    }

    @Override
    public void close() {
        for (int p = 1; p < threads; p++) {
            slots[p].closed = true;
        }
        for (Worker w : workers) {
            if (w != null) {
                LockSupport.unpark(w);
            }
        }
    }

    private final class Worker extends Thread {
        private final Slot slot;

        Worker(int part) {
            super("optim4j-simd-worker-" + part);
            this.slot = slots[part];
            setDaemon(true);
        }

        @Override
        public void run() {
            Slot slot = this.slot;
            long spinNanos = TimeUnit.MICROSECONDS.toNanos(SPIN_MICROS);
            while (!slot.closed) {
                long v = slot.word;
                if ((v & STATE) == OFFERED) {
                    tryRun(slot, v); // fails only if the caller stole the part meanwhile
                    continue;
                }
                long deadline = System.nanoTime() + spinNanos;
                boolean fresh = false;
                while (System.nanoTime() < deadline) {
                    if ((slot.word & STATE) == OFFERED || slot.closed) {
                        fresh = true;
                        break;
                    }
                    Thread.onSpinWait();
                }
                if (fresh) {
                    continue;
                }
                slot.parked = 1;
                // Re-check after announcing: a caller that offered before it saw the flag is caught here.
                if ((slot.word & STATE) != OFFERED && !slot.closed) {
                    LockSupport.park(this);
                }
                slot.parked = 0;
            }
        }
    }
}
