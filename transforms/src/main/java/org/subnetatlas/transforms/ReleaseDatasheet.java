package org.subnetatlas.transforms;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.subnetatlas.schemas.Tables.Architectures;
import org.subnetatlas.schemas.MeasurementTables.Devices;
import org.subnetatlas.schemas.MeasurementTables.Measurements;
import org.subnetatlas.schemas.PredictorTables.SearchResults;
import org.subnetatlas.schemas.Tables.QualityMetrics;
import org.subnetatlas.schemas.Tables.Runs;
import org.subnetatlas.schemas.Tables.Samples;
import org.subnetatlas.schemas.Tables.Supernets;
import org.subnetatlas.transforms.search.FoundEvaluation;
import org.subnetatlas.udfs.spark.SubnetEvaluation;

/**
 * The release's {@code DATASHEET.md}: what was measured, how, on which devices and by which runs,
 * and its known limits, all read from the pinned tables (nothing time-of-build in it). Its figures
 * and plots describe what the nights drew ({@link SampleScope}) as evaluate scored it: search's
 * finds, chosen for being good, would flatter them, and its test-split rows are another split; the
 * datasheet counts them apart, states search's own figures on one line, and the files hold them all.
 */
final class ReleaseDatasheet {

  private ReleaseDatasheet() {}

  /** One point per architecture with a top-1 value: mean top-1 and mean p50 latency over its rows. */
  static List<ReleasePlots.Point> points(Map<String, Dataset<Row>> tables) {
    Dataset<Row> a = tables.get(Architectures.TABLE.name());
    List<ReleasePlots.Point> out = new ArrayList<>();
    if (tables.get(Measurements.TABLE.name()) == null || a == null) {
      return out;
    }
    Dataset<Row> m = sampledMeasurements(tables);
    List<Row> rows = m.filter(col(Measurements.TOP1).isNotNull())
        .groupBy(Measurements.ARCH_ID)
        .agg(avg(Measurements.TOP1).as("top1"), avg(Measurements.LATENCY_P50_MS).as("latency"))
        .join(a.select(Architectures.ARCH_ID, Architectures.FAMILY, Architectures.MACS),
            Measurements.ARCH_ID)
        .orderBy(Measurements.ARCH_ID)
        .select(col(Architectures.FAMILY), col(Measurements.ARCH_ID), col(Architectures.MACS),
            col("top1"), col("latency"))
        .collectAsList();
    for (Row r : rows) {
      out.add(new ReleasePlots.Point(r.getString(0), r.getString(1), r.getLong(2), r.getDouble(3),
          r.isNullAt(4) ? null : r.getDouble(4)));
    }
    return out;
  }

  static String markdown(ReleaseBuilder.Spec spec, Map<String, Long> versions,
      Map<String, Dataset<Row>> tables, List<ReleasePlots.Point> points, List<String> notes) {
    StringBuilder md = new StringBuilder();
    md.append("# Subnet Atlas release `").append(spec.tag()).append("`\n\n")
        .append("Build date ").append(spec.buildDate() == null ? "n/a" : spec.buildDate())
        .append(", code version `").append(spec.codeVersion()).append("`. Every file was exported")
        .append(" from the Delta table versions below; `manifest.json` lists each file's sha-256.\n\n")
        .append("| table | Delta version |\n|---|---|\n");
    versions.forEach((t, v) -> md.append("| atlas.").append(t).append(" | ").append(v).append(" |\n"));

    md.append("\n## What was measured\n\n");
    Dataset<Row> a = sampledArchitectures(tables);
    Dataset<Row> m = sampledMeasurements(tables);
    md.append(DatasheetFacts.scope(a, m, tables.get(Devices.TABLE.name()))).append("\n");
    md.append("| space | family | architectures | MACs min | MACs max |\n|---|---|---|---|---|\n");
    for (Row r : a.groupBy(Architectures.SPACE, Architectures.FAMILY)
        .agg(count(lit(1)), min(Architectures.MACS), max(Architectures.MACS))
        .orderBy(Architectures.SPACE, Architectures.FAMILY).collectAsList()) {
      md.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %d |%n", r.getString(0),
          r.getString(1), r.getLong(2), r.getLong(3), r.getLong(4)));
    }
    md.append("\nMeasurements (top-1 with inherited supernet weights):\n\n")
        .append("| dataset | split | build dates | rows | architectures | top-1 min | top-1 mean |"
            + " top-1 max | images per eval | BN recalibrated rows | rows with latency |"
            + " energy methods |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Row r : m.groupBy(Measurements.DATASET, Measurements.SPLIT)
        .agg(min(Measurements.BUILD_DATE), max(Measurements.BUILD_DATE), count(lit(1)),
            countDistinct(col(Measurements.ARCH_ID)), min(Measurements.TOP1),
            avg(Measurements.TOP1), max(Measurements.TOP1), max(Measurements.N_IMAGES),
            count(org.apache.spark.sql.functions.when(col(Measurements.BN_RECALIBRATED), 1)),
            count(col(Measurements.LATENCY_P50_MS)),
            org.apache.spark.sql.functions.concat_ws(", ", org.apache.spark.sql.functions.array_sort(
                org.apache.spark.sql.functions.collect_set(Measurements.ENERGY_METHOD))))
        .orderBy(Measurements.DATASET, Measurements.SPLIT).collectAsList()) {
      md.append(String.format(Locale.ROOT, "| %s | %s | %s to %s | %d | %d | %s | %s | %s | %s | %d | %d | %s |%n",
          r.getString(0), r.getString(1), r.get(2), r.get(3), r.getLong(4), r.getLong(5),
          fmt(r.get(6)), fmt(r.get(7)), fmt(r.get(8)), r.get(9), r.getLong(10), r.getLong(11),
          r.getString(12).isEmpty() ? "none" : r.getString(12)));
    }
    long foundArchs = tables.get(Architectures.TABLE.name()).count() - a.count();
    long foundRows = tables.get(Measurements.TABLE.name()).count() - m.count();
    if (foundArchs + foundRows > 0) {
      md.append(String.format(Locale.ROOT, "%nThese figures describe the nights' samples. The files"
          + " also hold %d architectures and %d measurement rows outside them: sub-networks that"
          + " search found or drew as its random baseline (samplers `%s` and `%s`), and search's"
          + " rows on split %s (`search_results` refers to them by arch_id).%n",
          foundArchs, foundRows, FoundEvaluation.SAMPLER, FoundEvaluation.BASELINE_SAMPLER,
          FoundEvaluation.SPLIT));
    }

    md.append("\n## How\n\n")
        .append("- Architectures are sampled from each search space (sampler and seed in"
            + " `architectures`), identified by the sha-256 of space, version and canonical encoding.\n")
        .append(DatasheetFacts.accuracy(m))
        .append(DatasheetFacts.search(tables.get(SearchResults.TABLE.name()), spec.buildDate()))
        .append("- Latency (where present): warm-up and repeat counts and batch size are stored per row;"
            + " energy is measured where a counter exists, otherwise estimated (`energy_method`).\n")
        .append(DatasheetFacts.gates(m, tables.get(QualityMetrics.TABLE.name())));
    Dataset<Row> s = tables.get(Supernets.TABLE.name());
    if (s != null) {
      md.append("\nSupernets:\n\n| supernet | space | dataset | training images | epochs | final loss |"
          + " build date |\n|---|---|---|---|---|---|---|\n");
      for (Row r : s.select(Supernets.SUPERNET_ID, Supernets.SPACE, Supernets.DATASET,
          Supernets.TRAIN_IMAGES, Supernets.EPOCHS, Supernets.FINAL_LOSS, Supernets.BUILD_DATE)
          .orderBy(Supernets.SUPERNET_ID).collectAsList()) {
        md.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %d | %s | %s |%n",
            shortId(r.getString(0)), r.getString(1), r.getString(2), r.getLong(3), r.getInt(4),
            fmt(r.get(5)), r.get(6)));
      }
    }

    md.append("\n## On what devices\n\n| device | class | CPU | cores | memory GiB | GPU | OS |"
        + " Java | engine | native |\n|---|---|---|---|---|---|---|---|---|---|\n");
    for (Row r : tables.get(Devices.TABLE.name()).select(Devices.DEVICE_ID, Devices.HOST_CLASS,
        Devices.CPU_MODEL, Devices.CPU_CORES, Devices.MEMORY_BYTES, Devices.GPU_NAME, Devices.OS,
        Devices.JAVA_VERSION, Devices.ENGINE, Devices.ENGINE_VERSION, Devices.NATIVE_VERSION)
        .orderBy(Devices.DEVICE_ID).collectAsList()) {
      md.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %.1f | %s | %s | %s | %s %s | %s |%n",
          shortId(r.getString(0)), r.getString(1), r.getString(2), r.getInt(3),
          r.getLong(4) / (double) (1L << 30), r.isNullAt(5) ? "none" : r.getString(5),
          r.getString(6), r.getString(7), r.getString(8), r.getString(9), r.getString(10)));
    }
    Dataset<Row> runs = tables.get(Runs.TABLE.name());
    if (runs != null) {
      md.append("\n## Runs\n\n| job | status | runs | code versions |\n|---|---|---|---|\n");
      for (Row r : runs.groupBy(Runs.JOB, Runs.STATUS)
          .agg(count(lit(1)), org.apache.spark.sql.functions.concat_ws(", ",
              org.apache.spark.sql.functions.array_sort(
                  org.apache.spark.sql.functions.collect_set(Runs.CODE_VERSION))))
          .orderBy(Runs.JOB, Runs.STATUS).collectAsList()) {
        md.append(String.format(Locale.ROOT, "| %s | %s | %d | %s |%n", r.getString(0),
            r.getString(1), r.getLong(2), r.getString(3)));
      }
    }

    md.append("\n## Known limits\n\n")
        .append("- Top-1 is measured with inherited supernet weights, not by training each"
            + " sub-network from scratch; it ranks architectures, it is not their standalone accuracy.\n")
        .append("- One evaluation's standard error is about sqrt(p(1-p)/n_images); differences"
            + " smaller than that between two architectures are noise.\n")
        .append("- Latency and energy are specific to the devices above; estimated energy is"
            + " configured power times measured time, not a measurement.\n")
        .append("- Reproducing this release needs the pinned Delta versions: they survive as long as"
            + " the tables' log and data files are kept (no VACUUM below the retention).\n");
    long timed = points.stream().filter(p -> p.latencyMs() != null).count();
    if (timed == 0) {
      md.append("- No latency was measured for this release: latency plots are omitted.\n");
    }
    for (String n : notes) {
      md.append("- ").append(n).append('\n');
    }
    md.append("\n## Files\n\n`data/<table>.parquet` and `data/<table>.csv` per table (rows in key"
        + " order), `plots/*.png` (top-1 versus MACs and versus latency with the Pareto front, per"
        + " family), `manifest.json` (versions, schemas, checksums, code version, config).\n");
    return md.toString();
  }

  /**
   * The measurements of what each night drew, on evaluate's split; all of that split where a
   * release has no samples.
   */
  private static Dataset<Row> sampledMeasurements(Map<String, Dataset<Row>> tables) {
    Dataset<Row> m = tables.get(Measurements.TABLE.name())
        .where(col(Measurements.SPLIT).equalTo(SubnetEvaluation.SPLIT));
    Dataset<Row> samples = tables.get(Samples.TABLE.name());
    return samples == null ? m
        : SampleScope.measurements(m, samples, tables.get(Architectures.TABLE.name()));
  }

  private static Dataset<Row> sampledArchitectures(Map<String, Dataset<Row>> tables) {
    Dataset<Row> a = tables.get(Architectures.TABLE.name());
    Dataset<Row> samples = tables.get(Samples.TABLE.name());
    return samples == null ? a : SampleScope.architectures(a, samples);
  }

  private static String fmt(Object v) {
    if (v == null) {
      return "n/a";
    }
    if (v instanceof Double d) {
      return String.format(Locale.ROOT, "%.4f", d);
    }
    return String.valueOf(v);
  }

  private static String shortId(String id) {
    return id.length() > 12 ? id.substring(0, 12) : id;
  }
}
