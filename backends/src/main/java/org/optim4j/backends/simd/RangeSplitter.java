package org.optim4j.backends.simd;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.optim4j.spi.Buffer;
import org.optim4j.spi.Kernel;
import org.optim4j.spi.StepScalars;

/**
 * Runs an element-wise kernel over {@code [from, to)} on the calling thread plus a few daemon workers.
 *
 * <p>The range is cut into one contiguous part per thread (boundaries at multiples of 64 elements, so no
 * two threads share a cache line). Part 0 is the caller's, part {@code w} is worker {@code w}'s, so from
 * step to step each thread touches the same elements and they stay in its core's cache (measured: a
 * dynamic chunk queue, which moves chunks between cores, halved the speed of a 64K Adam step). A thread
 * claims a part by setting its bit in one atomic word; when the caller has finished its own part it
 * claims and runs any part a worker has not started yet, so a worker that is slow to wake (parked, or
 * descheduled on a busy machine) costs time only if it already holds a part.
 *
 * <p>Workers spin for {@value #SPIN_MICROS} µs after their last part, so back-to-back steps hand off
 * without a system call, and then park; a parked worker is unparked at the next call. The spin is short
 * on purpose: on the shared 2-vCPU machine this was measured on, a thread spinning on the other vCPU
 * halved the speed of the thread doing the work.
 *
 * <p>Element-wise kernels compute each element independently, so any cut gives bitwise-identical results.
 * Ranges shorter than {@code minSplit} elements, and calls that find the workers busy with another
 * optimizer's step, run on the calling thread alone.
 */
final class RangeSplitter implements AutoCloseable {
    private static final int ALIGN = 64;
    private static final long SPIN_MICROS = 20;
    /** Parts are claimed as bits of the low 32 bits of {@link #claim}. */
    private static final int MAX_THREADS = 32;

    private final int threads;
    private final int minSplit;
    private final Worker[] workers;
    private final ReentrantLock busy = new ReentrantLock();

    /** High 32 bits: the call's epoch; low 32 bits: one bit per claimed part. */
    private final AtomicLong claim = new AtomicLong();
    private final AtomicInteger partsDone = new AtomicInteger();
    private volatile boolean closed;

    // The current call; written by the caller before the epoch is published, read by workers after it.
    private Kernel kernel;
    private StepScalars scalars;
    private Buffer[] buffers;
    private int start;
    private int end;
    private int partSize;
    private int partCount;
    private volatile Throwable failure;

    /**
     * @param threads  total threads including the caller, 1 to {@value #MAX_THREADS}
     * @param minSplit ranges shorter than this run on the caller alone
     */
    RangeSplitter(int threads, int minSplit) {
        if (threads < 1 || threads > MAX_THREADS) {
            throw new IllegalArgumentException("threads must be in [1, " + MAX_THREADS + "], got " + threads);
        }
        this.threads = threads;
        this.minSplit = Math.max(minSplit, 2 * ALIGN);
        this.workers = new Worker[threads - 1];
        for (int w = 0; w < workers.length; w++) {
            workers[w] = new Worker(w + 1);
            workers[w].start();
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
            int parts = Math.min(threads, n / ALIGN);
            int size = ((n + parts - 1) / parts + ALIGN - 1) / ALIGN * ALIGN;
            kernel = k;
            scalars = s;
            buffers = b;
            start = from;
            end = to;
            partSize = size;
            partCount = (n + size - 1) / size;
            failure = null;
            partsDone.set(0);
            long epoch = (claim.get() >>> 32) + 1;
            claim.set(epoch << 32); // publishes the fields above
            for (int w = 0; w < partCount - 1; w++) {
                if (workers[w].parked) {
                    LockSupport.unpark(workers[w]);
                }
            }
            for (int part = 0; part < partCount; part++) {
                tryRun(epoch, part); // part 0 first, then whatever a worker has not claimed yet
            }
            int spins = 0;
            while (partsDone.get() < partCount) {
                if (++spins > 1000) {
                    Thread.yield(); // a worker holding a part was descheduled (busy machine)
                } else {
                    Thread.onSpinWait();
                }
            }
            Throwable f = failure;
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

    /** Claims part {@code part} of call {@code epoch} and runs it, unless that call is over or someone has it. */
    private void tryRun(long epoch, int part) {
        long bit = 1L << part;
        while (true) {
            long c = claim.get();
            if (c >>> 32 != epoch || (c & bit) != 0) {
                return;
            }
            Kernel k = kernel;
            StepScalars s = scalars;
            Buffer[] b = buffers;
            int count = partCount, size = partSize, first = start, last = end;
            if (part >= count) {
                return;
            }
            if (!claim.compareAndSet(c, c | bit)) {
                continue;
            }
            // The claim succeeded within this epoch, so the call is not over and the fields read above are its own.
            int lo = first + part * size;
            int hi = Math.min(last, lo + size);
            try {
                k.apply(s, b, lo, hi);
            } catch (Throwable t) {
                failure = t;
            } finally {
                partsDone.incrementAndGet();
            }
            return;
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Worker w : workers) {
            LockSupport.unpark(w);
        }
    }

    private final class Worker extends Thread {
        private final int part;
        volatile boolean parked;

        Worker(int part) {
            super("optim4j-simd-worker-" + part);
            this.part = part;
            setDaemon(true);
        }

        @Override
        public void run() {
            long seen = 0;
            long spinNanos = TimeUnit.MICROSECONDS.toNanos(SPIN_MICROS);
            while (!closed) {
                long epoch = claim.get() >>> 32;
                if (epoch != seen) {
                    seen = epoch;
                    tryRun(epoch, part);
                    continue;
                }
                long deadline = System.nanoTime() + spinNanos;
                boolean fresh = false;
                while (System.nanoTime() < deadline) {
                    if (claim.get() >>> 32 != seen || closed) {
                        fresh = true;
                        break;
                    }
                    Thread.onSpinWait();
                }
                if (fresh) {
                    continue;
                }
                parked = true;
                // Re-check after announcing: a caller that published before it saw 'parked' is caught here.
                if (claim.get() >>> 32 == seen && !closed) {
                    LockSupport.park(this);
                }
                parked = false;
            }
        }
    }
}
