package org.optim4j.cli;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
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
        new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b)};

    private Plots() {
    }

    /** One rule's values per epoch (epochs counted from 1). */
    record Series(String name, double[] epochs, double[] values) {
    }

    /** The training losses, on a log axis. */
    static XYChart lossChart(String title, List<Series> series) {
        return chart(title, "train loss", true, series);
    }

    /** The test accuracies: the charts of one image, top to bottom. */
    static List<XYChart> accuracyCharts(String title, List<Series> series) {
        return List.of(chart(title, "test accuracy", false, series));
    }

    /** A chart of {@code series} against the epoch; a log y axis for losses, a linear one up to 1 otherwise. */
    private static XYChart chart(String title, String yTitle, boolean logarithmic, List<Series> series) {
        XYChart chart = new XYChartBuilder().width(900).height(560).title(title).xAxisTitle("epoch").yAxisTitle(yTitle)
                .build();
        chart.getStyler().setYAxisLogarithmic(logarithmic);
        chart.getStyler().setSeriesColors(PALETTE);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        if (!logarithmic) {
            double min = series.stream().flatMapToDouble(s -> java.util.Arrays.stream(s.values())).min().orElse(0);
            chart.getStyler().setYAxisMin(Math.max(0, Math.floor(min * 20) / 20));
            chart.getStyler().setYAxisMax(1.0);
            chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        }
        for (Series s : series) {
            chart.addSeries(s.name(), s.epochs(), s.values()).setMarker(SeriesMarkers.NONE);
        }
        return chart;
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
