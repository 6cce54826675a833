package org.subnetatlas.transforms;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Accuracy-versus-cost scatter plots with their Pareto front, one PNG per family and cost, drawn
 * headless. Same points in, same bytes out: no dates or random colours in the image.
 */
public final class ReleasePlots {

  /** One sub-network: mean top-1 over its measurements and its costs (latency may be null). */
  public record Point(String family, String archId, double macs, double top1, Double latencyMs) {}

  private static final int WIDTH = 900;
  private static final int HEIGHT = 600;

  private ReleasePlots() {}

  /**
   * Points on the Pareto front of (cost lower, accuracy higher): sorted by cost, each with a
   * higher accuracy than every cheaper point.
   */
  public static List<Point> paretoFront(List<Point> points, ToDoubleFunction<Point> cost) {
    List<Point> sorted = new ArrayList<>(points);
    sorted.sort(Comparator.comparingDouble(cost)
        .thenComparing(Comparator.comparingDouble(Point::top1).reversed())
        .thenComparing(Point::archId));
    List<Point> front = new ArrayList<>();
    double best = Double.NEGATIVE_INFINITY;
    for (Point p : sorted) {
      if (p.top1() > best) {
        front.add(p);
        best = p.top1();
      }
    }
    return front;
  }

  /**
   * The PNGs by file name ({@code accuracy_vs_macs_<family>.png},
   * {@code accuracy_vs_latency_<family>.png}); {@code notes} receives a line for each plot skipped.
   */
  public static Map<String, byte[]> draw(List<Point> points, List<String> notes) {
    System.setProperty("java.awt.headless", "true");
    Map<String, List<Point>> byFamily = new TreeMap<>();
    for (Point p : points) {
      byFamily.computeIfAbsent(p.family(), f -> new ArrayList<>()).add(p);
    }
    Map<String, byte[]> out = new LinkedHashMap<>();
    for (Map.Entry<String, List<Point>> e : byFamily.entrySet()) {
      String family = e.getKey();
      String slug = family.replaceAll("[^A-Za-z0-9_-]", "_");
      out.put("accuracy_vs_macs_" + slug + ".png",
          png(chart(family, e.getValue(), "MACs (millions)", p -> p.macs() / 1e6)));
      List<Point> timed = e.getValue().stream().filter(p -> p.latencyMs() != null).toList();
      if (timed.isEmpty()) {
        notes.add("accuracy vs latency for family " + family
            + " not plotted: its latency columns are all null (no latency measured)");
      } else {
        out.put("accuracy_vs_latency_" + slug + ".png",
            png(chart(family, timed, "latency p50 (ms)", Point::latencyMs)));
      }
    }
    if (byFamily.isEmpty()) {
      notes.add("no plots: no measurement with a top-1 value");
    }
    return out;
  }

  private static JFreeChart chart(String family, List<Point> points, String costLabel,
      ToDoubleFunction<Point> cost) {
    XYSeries all = new XYSeries("sub-networks (" + points.size() + ")", false, true);
    List<Point> ordered = new ArrayList<>(points);
    ordered.sort(Comparator.comparing(Point::archId));
    for (Point p : ordered) {
      all.add(cost.applyAsDouble(p), p.top1());
    }
    List<Point> frontPoints = paretoFront(points, cost);
    XYSeries front = new XYSeries("Pareto front (" + frontPoints.size() + ")", false, true);
    for (Point p : frontPoints) {
      front.add(cost.applyAsDouble(p), p.top1());
    }
    XYSeriesCollection data = new XYSeriesCollection();
    data.addSeries(all);
    data.addSeries(front);

    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer();
    renderer.setSeriesLinesVisible(0, false);
    renderer.setSeriesShapesVisible(0, true);
    renderer.setSeriesPaint(0, new Color(70, 110, 180, 160));
    renderer.setSeriesLinesVisible(1, true);
    renderer.setSeriesShapesVisible(1, true);
    renderer.setSeriesPaint(1, new Color(200, 60, 40));
    renderer.setSeriesStroke(1, new BasicStroke(2f));

    NumberAxis x = new NumberAxis(costLabel);
    x.setAutoRangeIncludesZero(false);
    NumberAxis y = new NumberAxis("top-1 accuracy");
    y.setAutoRangeIncludesZero(false);
    XYPlot plot = new XYPlot(data, x, y, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    JFreeChart chart = new JFreeChart("Top-1 vs " + costLabel + ": family " + family,
        JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    return chart;
  }

  private static byte[] png(JFreeChart chart) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      ChartUtils.writeChartAsPNG(bytes, chart, WIDTH, HEIGHT);
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot draw " + chart.getTitle().getText(), e);
    }
  }
}
