package io.mailbridge.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.style.Styler;

/**
 * The chart on BENCHMARKS.md's first screen: per workload, Mailbridge's throughput relative to the
 * raw limit measured in the same run (1.0 = the limit), beside the goal for it. Drawn with XChart
 * into a PNG, so the figure is made by the run it shows.
 */
final class GoalsChart {
  /** One bar: a workload, its measured throughput relative to the limit, its goal (NaN: none). */
  record Bar(String workload, double relative, double goal) {}

  private final List<Bar> bars = new ArrayList<>();

  void add(String workload, double relative, double goal) {
    bars.add(new Bar(workload, relative, goal));
  }

  boolean isEmpty() {
    return bars.isEmpty();
  }

  void write(Path png, String title) throws Exception {
    // Upright labels (rotated 90°) are centred under their bars; at other angles XChart shifts them
    // right of the bar and leaves out a label that would end beyond the plot (the last one).
    CategoryChart chart = new CategoryChartBuilder().width(1000).height(760).title(title)
        .xAxisTitle("").yAxisTitle("throughput relative to the raw client (1.0 = the limit)").build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
    chart.getStyler().setXAxisLabelRotation(90);
    chart.getStyler().setLabelsVisible(true);
    chart.getStyler().setDecimalPattern("0.00");
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setPlotGridVerticalLinesVisible(false);
    chart.getStyler().setSeriesColors(new Color[] {new Color(0x2b6cb0), new Color(0xa0aec0)});
    List<String> names = bars.stream().map(Bar::workload).toList();
    chart.addSeries("Mailbridge, measured", names, bars.stream().map(b -> (Number) b.relative()).toList());
    CategorySeries goals = chart.addSeries("goal", names,
        bars.stream().map(b -> Double.isNaN(b.goal()) ? null : (Number) b.goal()).toList());
    goals.setLineStyle(new BasicStroke(1f));
    Files.createDirectories(png.getParent());
    BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
  }
}
