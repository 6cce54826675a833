package org.subnetatlas.transforms;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.subnetatlas.schemas.MeasurementTables.Measurements;
import org.subnetatlas.schemas.Tables.Architectures;
import org.subnetatlas.schemas.Tables.Samples;
import org.subnetatlas.transforms.training.StitchedFamilies;

/**
 * What a night drew itself, as opposed to what search found later in it: the sub-networks in the
 * night's {@code atlas.samples}, and the stitched configurations (sampler {@code enumerate}), which
 * train-stitches measures whole every night. Everything that trains, gates, summarises a night or
 * picks what to evaluate reads the tables through this scope, so search's finds, which land in
 * {@code architectures} and {@code measurements} beside the sample, change none of it and a rerun
 * after search sees what the first run saw.
 */
public final class SampleScope {

  private static final String ARCH = "_scope_arch_id";
  private static final String DATE = "_scope_build_date";

  private SampleScope() {}

  /**
   * The rows of {@code rows} (with arch_id and build_date) that their night drew, reading
   * {@code samples} and {@code architectures} as given (pinned versions, for instance).
   */
  public static Dataset<Row> measurements(Dataset<Row> rows, Dataset<Row> samples,
      Dataset<Row> architectures) {
    // an enumerated configuration matches every night: its key carries no date
    Dataset<Row> drawn = samples
        .select(col(Samples.ARCH_ID).as(ARCH), col(Samples.BUILD_DATE).as(DATE))
        .unionByName(enumerated(architectures)
            .withColumn(DATE, lit(null).cast(DataTypes.DateType)));
    return rows.join(drawn, col(Measurements.ARCH_ID).equalTo(col(ARCH))
        .and(col(DATE).isNull().or(col(Measurements.BUILD_DATE).equalTo(col(DATE)))),
        "left_semi");
  }

  /** {@link #measurements(Dataset, Dataset, Dataset)} against the current tables. */
  public static Dataset<Row> measurements(SparkSession spark, Dataset<Row> rows) {
    return measurements(rows, spark.table(Samples.TABLE.qualifiedName()),
        spark.table(Architectures.TABLE.qualifiedName()));
  }

  /** The rows of {@code architectures} that some night drew: sampled once, or enumerated. */
  public static Dataset<Row> architectures(Dataset<Row> architectures, Dataset<Row> samples) {
    Dataset<Row> drawn = samples.select(col(Samples.ARCH_ID).as(ARCH))
        .unionByName(enumerated(architectures));
    return architectures.join(drawn, col(Architectures.ARCH_ID).equalTo(col(ARCH)), "left_semi");
  }

  /** {@link #architectures(Dataset, Dataset)} against the current samples. */
  public static Dataset<Row> architectures(SparkSession spark, Dataset<Row> architectures) {
    return architectures(architectures, spark.table(Samples.TABLE.qualifiedName()));
  }

  private static Dataset<Row> enumerated(Dataset<Row> architectures) {
    return architectures.where(col(Architectures.SAMPLER).equalTo(StitchedFamilies.SAMPLER))
        .select(col(Architectures.ARCH_ID).as(ARCH));
  }
}
