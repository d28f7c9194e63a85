package org.optim4j.cli;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The PNG plots of {@code train}: one line per rule over the epochs. */
final class Plots {
    /** Six distinguishable colours (Tableau 10), one per rule. */
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
        new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
        new Color(0xbcbd22), new Color(0x17becf)};

    private static final int WIDTH = 900;
    private static final int HEIGHT = 560;
    private static final int ZOOMED_HEIGHT = 440;
    /** Up to this many epochs each value gets a marker: a single epoch is otherwise an empty chart. */
    private static final int MAX_EPOCHS_WITH_MARKERS = 12;
    private static final int MIN_EPOCHS_TO_ZOOM = 6;

    private Plots() {
    }

    /** One rule's values per epoch (epochs counted from 1). */
    record Series(String name, double[] epochs, double[] values) {
    }

    /**
     * The training losses on a log scale, labelled at every tick line (XChart's own log axis labels the
     * decades only, or crowds every minor tick with a label): the values plotted are log10(loss), on a
     * linear axis whose tick labels are 10^tick. Losses that are 0 or not finite are left out.
     */
    static XYChart lossChart(String title, List<Series> series) {
        List<Series> logs = new ArrayList<>();
        for (Series s : series) {
            int[] keep = IntStream.range(0, s.values().length)
                    .filter(i -> s.values()[i] > 0 && Double.isFinite(s.values()[i])).toArray();
            if (keep.length > 0) {
                logs.add(new Series(s.name(), Arrays.stream(keep).mapToDouble(i -> s.epochs()[i]).toArray(),
                        Arrays.stream(keep).mapToDouble(i -> Math.log10(s.values()[i])).toArray()));
            }
        }
        XYChart chart = chart(title, "train loss (log scale)", WIDTH, HEIGHT, logs);
        chart.getStyler().setyAxisTickLabelsFormattingFunction(Plots::logTickLabel);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        return chart;
    }

    /**
     * The test accuracies: the whole run from 0 or the lowest accuracy up to 1, and, when there are enough
     * epochs, under it the last half of the epochs on an axis zoomed to their values (where the rules
     * differ by a percent or two, which the whole range flattens into one band).
     */
    static List<XYChart> accuracyCharts(String title, List<Series> series) {
        int epochs = series.stream().mapToInt(s -> s.epochs().length).max().orElse(0);
        boolean zoom = epochs >= MIN_EPOCHS_TO_ZOOM;
        XYChart whole = chart(title, "test accuracy", WIDTH, zoom ? ZOOMED_HEIGHT : HEIGHT, series);
        double min = series.stream().flatMapToDouble(s -> Arrays.stream(s.values())).filter(Double::isFinite).min()
                .orElse(0);
        whole.getStyler().setYAxisMin(Math.max(0, Math.floor(min * 20) / 20));
        whole.getStyler().setYAxisMax(1.0);
        whole.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        if (!zoom) {
            return List.of(whole);
        }
        int from = epochs / 2; // the last epochs, by index
        List<Series> last = series.stream().filter(s -> s.epochs().length > from).map(s -> new Series(s.name(),
                Arrays.copyOfRange(s.epochs(), from, s.epochs().length),
                Arrays.copyOfRange(s.values(), from, s.values().length))).toList();
        double lo = last.stream().flatMapToDouble(s -> Arrays.stream(s.values())).filter(Double::isFinite).min()
                .orElse(0);
        double hi = last.stream().flatMapToDouble(s -> Arrays.stream(s.values())).filter(Double::isFinite).max()
                .orElse(1);
        double pad = Math.max(0.1 * (hi - lo), 0.0025);
        XYChart zoomed = chart("Test accuracy, epochs " + (from + 1) + "–" + epochs + " (zoomed; colours as above)",
                "test accuracy", WIDTH, ZOOMED_HEIGHT, last);
        zoomed.getStyler().setYAxisMin(Math.max(0, Math.floor((lo - pad) / 0.005) * 0.005));
        zoomed.getStyler().setYAxisMax(Math.min(1, Math.ceil((hi + pad) / 0.005) * 0.005));
        zoomed.getStyler().setLegendVisible(false);
        return List.of(whole, zoomed);
    }

    /** A chart of {@code series} against the epoch, with markers when there are few epochs. */
    private static XYChart chart(String title, String yTitle, int width, int height, List<Series> series) {
        XYChart chart = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle("epoch")
                .yAxisTitle(yTitle).build();
        chart.getStyler().setSeriesColors(PALETTE);
        int points = series.stream().mapToInt(s -> s.epochs().length).max().orElse(0);
        for (Series s : series) {
            chart.addSeries(s.name(), s.epochs(), s.values())
                    .setMarker(points <= MAX_EPOCHS_WITH_MARKERS ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        }
        return chart;
    }

    /** The label of tick {@code log10Value} of the loss axis: 10^value to 2 significant digits (0.0032, 0.01, 1). */
    static String logTickLabel(double log10Value) {
        double value = new BigDecimal(Math.pow(10, log10Value)).round(new MathContext(2)).doubleValue();
        return Fmt.param(value);
    }

    static void save(XYChart chart, Path file) throws IOException {
        save(List.of(chart), file);
    }

    /** The charts one above the other in one PNG. */
    static void save(List<XYChart> charts, Path file) throws IOException {
        if (charts.size() == 1) {
            BitmapEncoder.saveBitmap(charts.get(0), file.toString(), BitmapEncoder.BitmapFormat.PNG);
            return;
        }
        int width = charts.stream().mapToInt(XYChart::getWidth).max().orElseThrow();
        int height = charts.stream().mapToInt(XYChart::getHeight).sum();
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        int y = 0;
        for (XYChart chart : charts) {
            g.drawImage(BitmapEncoder.getBufferedImage(chart), 0, y, null);
            y += chart.getHeight();
        }
        g.dispose();
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("no PNG writer for " + file);
        }
    }
}
