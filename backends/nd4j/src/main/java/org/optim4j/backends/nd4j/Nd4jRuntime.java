package org.optim4j.backends.nd4j;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.factory.Nd4j;
import org.optim4j.spi.Availability;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether ND4J can run here, found out once, at first need: loading ND4J's native libraries can fail
 * (missing or incompatible natives, an unsupported CPU, a CUDA backend without a GPU), and that must
 * make the backend unavailable with the reason, never crash the caller.
 */
final class Nd4jRuntime {
    private static final Logger log = LoggerFactory.getLogger(Nd4jRuntime.class);
    private static volatile Availability status;
    private static volatile String backendClass = "none";

    private Nd4jRuntime() {
    }

    /** Available when ND4J loaded a backend and ran one native updater op; otherwise why not. */
    static Availability status() {
        Availability s = status;
        if (s == null) {
            synchronized (Nd4jRuntime.class) {
                if (status == null) {
                    status = probe();
                }
                s = status;
            }
        }
        return s;
    }

    /** The class name of the ND4J backend that loaded ({@code none} if none did). */
    static String backendClass() {
        status();
        return backendClass;
    }

    private static Availability probe() {
        try {
            backendClass = Nd4j.getBackend().getClass().getName();
            INDArray g = Nd4j.ones(DataType.FLOAT, 4);
            INDArray s = Nd4j.zeros(DataType.FLOAT, 4);
            INDArray r = Nd4j.zeros(DataType.FLOAT, 4);
            INDArray update = Nd4j.zeros(DataType.FLOAT, 4);
            Nd4j.exec(new AdamUpdater(g, r, s, update, r, s, 1e-3, 0.9, 0.999, 1e-8, 0));
            if (!(update.getDouble(0L) > 0)) {
                return Availability.no("ND4J's AdamUpdater gave " + update.getDouble(0L) + " on a test input");
            }
            return new Availability(true, "ND4J " + Nd4j.getBackend().getClass().getSimpleName());
        } catch (Throwable t) {
            // Natives that fail to load surface as Errors (UnsatisfiedLinkError, ExceptionInInitializerError, ...).
            String reason = "ND4J could not start: " + t;
            Throwable cause = t.getCause();
            while (cause != null) {
                reason += "; caused by " + cause;
                cause = cause.getCause();
            }
            log.warn("The nd4j backend is unavailable. {}", reason);
            return Availability.no(reason);
        }
    }
}
