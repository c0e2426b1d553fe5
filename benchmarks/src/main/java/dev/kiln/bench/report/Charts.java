package dev.kiln.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * Grouped bar charts as PNG, in the manner of the paper's Figures 1–6: one group per category
 * (a batch size, a model), one bar per series (DP-SGD, SGD, a framework). Drawn headless.
 */
public final class Charts {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Charts() {
    }

    /** Bars to draw: categories along x, and per series one value per category (NaN: no bar). */
    public record Bars(String title, String xTitle, String yTitle, List<String> categories,
                       Map<String, List<Double>> series, boolean logY) {
        public Bars {
            categories = List.copyOf(categories);
            Map<String, List<Double>> copy = new LinkedHashMap<>();
            for (Map.Entry<String, List<Double>> e : series.entrySet()) {
                if (e.getValue().size() != categories.size()) {
                    throw new IllegalArgumentException("series " + e.getKey() + " has " + e.getValue().size()
                            + " values for " + categories.size() + " categories");
                }
                copy.put(e.getKey(), List.copyOf(e.getValue()));
            }
            series = copy;
        }
    }

    public static Path write(Bars bars, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        CategoryChart chart = new CategoryChartBuilder().width(900).height(520).title(bars.title())
                .xAxisTitle(bars.xTitle()).yAxisTitle(bars.yTitle()).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setYAxisLogarithmic(bars.logY());
        if (bars.logY()) {
            // Bars start at the axis minimum, which a log axis needs positive: the decade below the least value.
            double least = bars.series().values().stream().flatMap(List::stream)
                    .filter(d -> d != null && d > 0).mapToDouble(Double::doubleValue).min().orElse(1);
            chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(least))));
        }
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setPlotGridVerticalLinesVisible(false);
        for (Map.Entry<String, List<Double>> e : bars.series().entrySet()) {
            List<Number> ys = new ArrayList<>();
            for (Double d : e.getValue()) {
                // XChart skips nulls; a log axis cannot show zero or NaN either.
                ys.add(d == null || d.isNaN() || (bars.logY() && d <= 0) ? null : d);
            }
            if (ys.stream().allMatch(java.util.Objects::isNull)) {
                continue;
            }
            chart.addSeries(e.getKey(), bars.categories(), ys);
        }
        String name = file.getFileName().toString();
        Path stem = file.resolveSibling(name.endsWith(".png") ? name.substring(0, name.length() - 4) : name);
        BitmapEncoder.saveBitmap(chart, stem.toString(), BitmapEncoder.BitmapFormat.PNG);
        return stem.resolveSibling(stem.getFileName() + ".png");
    }
}
