package org.optim4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FmtTest {

    @Test
    void measuredValuesKeepFourSignificantDigitsAtAnyMagnitude() {
        assertEquals("2.402e+20", Fmt.sig(240218572665067900000.0));
        assertEquals("3.100e-07", Fmt.sig(3.1e-7));
        assertEquals("0.005214", Fmt.sig(0.0052138));
        assertEquals("0.9666", Fmt.sig(0.96657));
        assertEquals("1.000", Fmt.sig(1.0));
        assertEquals("0.5000", Fmt.sig(0.5));
        assertEquals("12350", Fmt.sig(12345.6));
        assertEquals("0", Fmt.sig(0));
        assertEquals("NaN", Fmt.sig(Double.NaN));
        assertEquals("inf", Fmt.sig(Double.POSITIVE_INFINITY));
    }

    @Test
    void speedsAreGroupedToThreeDigitsAndNeverInfinity() {
        assertEquals("161,000", Fmt.rate(160_506));
        assertEquals("9,260", Fmt.rate(9_257.4));
        assertEquals("n/a", Fmt.rate(Double.POSITIVE_INFINITY));
        assertEquals("n/a", Fmt.rate(Double.NaN));
    }

    @Test
    void hyperParametersPrintExactlyAndShort() {
        assertEquals("0.0001", Fmt.param(1e-4));
        assertEquals("0.001", Fmt.param(0.001));
        assertEquals("10000", Fmt.param(1e4));
        assertEquals("0.2", Fmt.param(0.2));
        assertEquals("1e-8", Fmt.param(1e-8));
        assertEquals("2.5e9", Fmt.param(2.5e9));
        assertEquals("linear:0.0001,0,1000", Fmt.params("linear:1.0E-4,0.0,1000"));
    }
}
