package org.subnetatlas.transforms.quality;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.subnetatlas.schemas.MeasurementTables.Measurements;
import org.subnetatlas.transforms.QualityGates;
import org.subnetatlas.transforms.SampleScope;
import org.subnetatlas.udfs.spark.SubnetEvaluation;

/**
 * The metrics the gates record and compare night over night, over what the night drew
 * ({@link SampleScope}) on evaluate's split: search's finds and its test-split rows land in the
 * same tables later in the night, and the gates release runs after search must come to the figures
 * validate recorded. The checks themselves still read every row, since a bad row is bad whoever
 * wrote it.
 */
public final class GateMetrics {

  private GateMetrics() {}

  /** The rows of {@code night} the metrics are computed on: its own draws, on evaluate's split. */
  public static Dataset<Row> scope(SparkSession spark, Dataset<Row> night) {
    return SampleScope.measurements(spark,
        night.where(col(Measurements.SPLIT).equalTo(SubnetEvaluation.SPLIT)));
  }

  /** Rows and mean top-1 of the night's sampled measurements, and the sampled architectures. */
  public static Map<String, Double> of(SparkSession spark, Dataset<Row> night,
      Dataset<Row> architectures) {
    Row m = scope(spark, night).agg(count(lit(1)), avg(col(Measurements.TOP1))).head();
    Map<String, Double> out = new LinkedHashMap<>();
    out.put(QualityGates.ROWS, (double) m.getLong(0));
    out.put(QualityGates.MEAN_TOP1, m.isNullAt(1) ? null : m.getDouble(1));
    out.put(QualityGates.ARCH_ROWS,
        (double) SampleScope.architectures(spark, architectures).count());
    return out;
  }
}
