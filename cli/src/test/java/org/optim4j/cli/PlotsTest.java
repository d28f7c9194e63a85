package org.optim4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.optim4j.network.train.Trainer.EpochResult;
import picocli.CommandLine;

class PlotsTest {

    /** Accuracy rising from 0.79 to about 0.96 over 30 epochs, as the digits' runs do. */
    private static Plots.Series accuracy(String name, double end) {
        double[] x = IntStream.rangeClosed(1, 30).asDoubleStream().toArray();
        double[] y = IntStream.rangeClosed(1, 30).mapToDouble(e -> end - 0.17 * Math.exp(-(e - 1) / 2.0)
                + 0.004 * Math.sin(e)).toArray();
        return new Plots.Series(name, x, y);
    }

    @Test
    void theAccuracyOfTheLastEpochsIsShownOnAnAxisZoomedToThem() {
        List<XYChart> charts = Plots.accuracyCharts("t", List.of(accuracy("a", 0.96), accuracy("b", 0.975)));
        XYChart zoomed = charts.get(charts.size() - 1);
        assertTrue(zoomed.getStyler().getYAxisMin() >= 0.93, "axis from " + zoomed.getStyler().getYAxisMin());
        assertTrue(zoomed.getStyler().getYAxisMax() <= 1.0 && zoomed.getStyler().getYAxisMax() >= 0.975);
        // The whole run is still shown, on its own chart above.
        assertEquals(2, charts.size());
        assertTrue(charts.get(0).getStyler().getYAxisMin() <= 0.79);
    }

    @Test
    void fewEpochsAreDrawnAsMarkers() {
        Plots.Series one = new Plots.Series("sgd", new double[] {1}, new double[] {0.9});
        for (XYChart chart : List.of(Plots.lossChart("t", List.of(one)), Plots.accuracyCharts("t", List.of(one)).get(0))) {
            for (XYSeries s : chart.getSeriesMap().values()) {
                assertNotEquals(SeriesMarkers.NONE, s.getMarker(), "a single epoch needs a marker to be seen");
            }
        }
    }

    @Test
    void theLossAxisLabelsMoreThanDecades() {
        Plots.Series loss = new Plots.Series("a", new double[] {1, 2, 3}, new double[] {1.7, 0.02, 0.0004});
        XYChart chart = Plots.lossChart("t", List.of(loss));
        // A log scale drawn as log10(loss) on a linear axis, so that every tick line gets a label.
        assertFalse(chart.getStyler().isYAxisLogarithmic());
        assertEquals(Math.log10(0.02), chart.getSeriesMap().get("a").getYData()[1], 1e-12);
        Function<Double, String> label = chart.getStyler().getyAxisTickLabelsFormattingFunction();
        assertEquals("0.01", label.apply(-2.0));
        assertEquals("0.0032", label.apply(-2.5), "half decades are labelled too");
        assertEquals("1", label.apply(0.0));
    }

    @Test
    void theLegendNamesEachRuleAsTheConsoleDoes() {
        TrainCommand train = new TrainCommand();
        new CommandLine(train).parseArgs("--hidden", "4", "--backend", "scalar");
        TrainCommand.Split split = train.loadData();
        TrainCommand.Run run = train.newRun(train.ruleFor("nesterov"), split);
        train.train(run, 0);
        List<Plots.Series> series = TrainCommand.series(List.of(run), EpochResult::testAccuracy);
        assertEquals("nesterov α=0.05 ρ=0.9 (spec form)", series.get(0).name());
        assertEquals(run.label(), series.get(0).name());
    }
}
