package org.subnetatlas.transforms.sampling;

import static org.apache.spark.sql.functions.*;

import java.sql.Date;
import java.time.LocalDate;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.subnetatlas.schemas.Tables.Architectures;
import org.subnetatlas.schemas.Tables.Samples;
import org.subnetatlas.transforms.ArchitectureSampling;
import org.subnetatlas.transforms.DeltaWrites;
import org.subnetatlas.transforms.DeltaWrites.OnMatch;
import org.subnetatlas.transforms.tasks.StageCounts;

/**
 * The sample stage's dataflow: draw, keep each architecture's first draw, add the new ones to
 * {@code atlas.architectures} and replace the night's list in {@code atlas.samples}.
 */
public final class NightlySample {

  /**
   * One night's sample.
   *
   * @param space a registered space name
   * @param sampler a canonical sampler name ({@link ArchitectureSampling#samplerName})
   * @param count draws, the largest and smallest included
   * @param partitions Spark partitions of the draws (the sample does not depend on them)
   */
  public record Request(String space, String sampler, long seed, int count, int partitions,
      LocalDate buildDate, String runId) {}

  private NightlySample() {}

  /** Draws and writes the sample; reports counts once both writes are done. */
  public static void write(SparkSession spark, Request r, StageCounts counts) {
    Dataset<Row> distinct = ArchitectureSampling.distinctArchitectures(
            ArchitectureSampling.draws(spark, r.space(), r.sampler(), r.seed(), r.count(),
                r.partitions(), r.buildDate()))
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long n = distinct.count();
      Map<String, Long> arch = DeltaWrites.merge(spark, Architectures.TABLE, distinct, OnMatch.KEEP);
      DeltaWrites.replaceWhere(spark, Samples.TABLE, samples(distinct, r.buildDate(), r.runId()),
          nightOf(r.space(), r.buildDate()));
      counts.count("draws", r.count());
      counts.count("distinct", n);
      counts.count("architectures_inserted", arch.get("numTargetRowsInserted"));
      counts.count("samples", n);
    } finally {
      distinct.unpersist();
    }
  }

  /** The night's list: the distinct draws with the date and run. */
  public static Dataset<Row> samples(Dataset<Row> distinct, LocalDate buildDate, String runId) {
    return distinct
        .withColumn(Samples.BUILD_DATE, lit(Date.valueOf(buildDate)))
        .withColumn(Samples.RUN_ID, lit(runId));
  }

  /** The replaceWhere predicate of one space's night in {@code atlas.samples}. */
  public static String nightOf(String space, LocalDate buildDate) {
    // space names come from the registry, so they are safe inside the predicate
    return String.format("%s = DATE'%s' AND %s = '%s'", Samples.BUILD_DATE, buildDate,
        Samples.SPACE, space);
  }
}
