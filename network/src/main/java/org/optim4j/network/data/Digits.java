package org.optim4j.network.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The UCI "Optical Recognition of Handwritten Digits" data (E. Alpaydin, C. Kaynak, 1998; UCI Machine
 * Learning Repository, CC BY 4.0), as distributed with scikit-learn, shipped in this module's resources:
 * 1797 images of 8×8 pixels with values 0 … 16 (row-major), label 0 … 9.
 */
public final class Digits {
    /** The resource path of the gzipped CSV. */
    public static final String RESOURCE = "/org/optim4j/network/data/digits.csv.gz";
    /** The largest pixel value of the format: dividing by it scales pixels to [0, 1]. */
    public static final float MAX_PIXEL = 16f;

    private Digits() {
    }

    /** The 1797 examples, pixels as stored (0 … 16). */
    public static Dataset load() {
        try (InputStream in = Digits.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " is missing from the class path");
            }
            return CsvDatasetReader.read(in, RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }
}
