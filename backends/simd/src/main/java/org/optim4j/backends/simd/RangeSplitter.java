package org.optim4j.backends.simd;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
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
 * <p><b>Hand-off protocol.</b> Each part {@code p ≥ 1} has a slot of its own (an {@code AtomicLongArray}
 * element, {@value #STRIDE} longs = 128 bytes from the next, so every worker polls a cache line no other
 * worker writes). A slot holds the number {@code c} of the call that last used it and a state, as
 * {@code c·4 + state}: {@code OFFERED}, {@code TAKEN} or {@code DONE}. A call numbered {@code c}:
 * <ol>
 *   <li>the caller writes the call's fields (kernel, scalars, buffers, range, part size), then sets the slot
 *       of each part that exists in this call to {@code OFFERED(c)} (a volatile write, which publishes the
 *       fields); slots of parts this call does not have are not touched;</li>
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
    /** Longs from one part's slot to the next: 128 bytes, two cache lines (adjacent-line prefetch pairs them). */
    private static final int STRIDE = 16;
    /** Offset, within a part's slot, of the flag its worker sets while parked (1) or about to park. */
    private static final int PARKED = 1;
    private static final long OFFERED = 0;
    private static final long TAKEN = 1;
    private static final long DONE = 2;
    private static final long STATE = 3;

    private final int threads;
    private final int minSplit;
    private final Worker[] workers;
    private final ReentrantLock busy = new ReentrantLock();
    /** Per part p ≥ 1, at p·STRIDE: call·4 + state; at p·STRIDE + PARKED: 1 while worker p parks. */
    private final AtomicLongArray slots;
    private volatile boolean closed;
    /** Number of the last call; read and written only by the thread holding {@link #busy}. */
    private long call;

    // The current call; written by the caller before its parts are offered, read by a part's claimer after its CAS.
    private Kernel kernel;
    private StepScalars scalars;
    private Buffer[] buffers;
    private int start;
    private int end;
    private int partSize;
    private volatile Throwable failure;

    /**
     * @param threads  total threads including the caller, at least 1 ({@code threads − 1} workers are started)
     * @param minSplit ranges shorter than this run on the caller alone
     */
    RangeSplitter(int threads, int minSplit) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.minSplit = Math.max(minSplit, 2 * ALIGN);
        this.slots = new AtomicLongArray(threads * STRIDE);
        for (int p = 1; p < threads; p++) {
            slots.set(p * STRIDE, DONE); // call 0, done: nothing to claim
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
        if (workers.length == 0 || n < minSplit || closed || !busy.tryLock()) {
            k.apply(s, b, from, to);
            return;
        }
        try {
            int parts = (int) Math.min(threads, n / ALIGN);
            long size = ((n + (long) parts - 1) / parts + ALIGN - 1) / ALIGN * ALIGN;
            int count = (int) ((n + size - 1) / size);
            kernel = k;
            scalars = s;
            buffers = b;
            start = from;
            end = to;
            partSize = (int) size;
            failure = null;
            long offer = (++call << 2) | OFFERED;
            for (int p = 1; p < count; p++) {
                slots.set(p * STRIDE, offer); // publishes the fields above to part p's claimer
                if (slots.get(p * STRIDE + PARKED) != 0) {
                    LockSupport.unpark(workers[p - 1]);
                }
            }
            Throwable own = null;
            try {
                k.apply(s, b, from, (int) Math.min(to, from + size));
            } catch (Throwable t) {
                own = t; // reported after the workers are done with the buffers
            }
            for (int p = 1; p < count; p++) {
                tryRun(p, offer); // whatever a worker has not claimed yet
            }
            long done = offer | DONE;
            for (int p = 1; p < count; p++) {
                int spins = 0;
                while (slots.getAcquire(p * STRIDE) != done) {
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
            kernel = null;
            scalars = null;
            buffers = null;
            busy.unlock();
        }
    }

    /** Claims part {@code p} if its slot still holds {@code offer}, runs it and marks it done; else does nothing. */
    private boolean tryRun(int p, long offer) {
        int at = p * STRIDE;
        if (slots.get(at) != offer || !slots.compareAndSet(at, offer, offer | TAKEN)) {
            return false;
        }
        // The claim succeeded, so this call is running and waits for this part: the fields are this call's.
        try {
            int lo = start + p * partSize;
            int hi = (int) Math.min(end, (long) lo + partSize);
            kernel.apply(scalars, buffers, lo, hi);
        } catch (Throwable t) {
            failure = t;
        } finally {
            slots.setRelease(at, offer | DONE);
        }
        return true;
    }

    @Override
    public void close() {
        closed = true;
        for (Worker w : workers) {
            if (w != null) {
                LockSupport.unpark(w);
            }
        }
    }

    private final class Worker extends Thread {
        private final int part;

        Worker(int part) {
            super("optim4j-simd-worker-" + part);
            this.part = part;
            setDaemon(true);
        }

        @Override
        public void run() {
            int at = part * STRIDE;
            long spinNanos = TimeUnit.MICROSECONDS.toNanos(SPIN_MICROS);
            while (!closed) {
                long v = slots.get(at);
                if ((v & STATE) == OFFERED) {
                    tryRun(part, v); // fails only if the caller stole the part meanwhile
                    continue;
                }
                long deadline = System.nanoTime() + spinNanos;
                boolean fresh = false;
                while (System.nanoTime() < deadline) {
                    if ((slots.get(at) & STATE) == OFFERED || closed) {
                        fresh = true;
                        break;
                    }
                    Thread.onSpinWait();
                }
                if (fresh) {
                    continue;
                }
                slots.set(at + PARKED, 1);
                // Re-check after announcing: a caller that offered before it saw the flag is caught here.
                if ((slots.get(at) & STATE) != OFFERED && !closed) {
                    LockSupport.park(this);
                }
                slots.set(at + PARKED, 0);
            }
        }
    }
}
