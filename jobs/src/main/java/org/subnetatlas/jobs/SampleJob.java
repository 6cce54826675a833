package org.subnetatlas.jobs;

import org.subnetatlas.transforms.BadInputException;
import static org.apache.spark.sql.functions.lit;

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
import org.subnetatlas.spaces.Spaces;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code atlas sample}: draws sub-networks of a space, costs them analytically and records them in
 * {@code atlas.architectures} (one row per arch_id) and the night's list in {@code atlas.samples}.
 *
 * <pre>spark-submit --class org.subnetatlas.jobs.SampleJob atlas-jobs-shaded.jar --date 2026-11-30</pre>
 */
@Command(name = "sample", mixinStandardHelpOptions = true,
    description = "Sample sub-networks of a search space into atlas.architectures and atlas.samples.")
public final class SampleJob extends StageCommand {

  static final String COUNT = AtlasConfig.PREFIX + "sample.count";
  static final String SAMPLER = AtlasConfig.PREFIX + "sample.sampler";
  static final String SEED = AtlasConfig.PREFIX + "sample.seed";
  static final String PARTITIONS = AtlasConfig.PREFIX + "sample.partitions";

  @Option(names = "--space", description = "Search space (see `atlas space list`). Default: mbv3-tiny.")
  String space;

  @Option(names = "--count", description = "Number of draws, the largest and smallest included. Default: 1100.")
  Integer count;

  @Option(names = "--sampler", description = "uniform | stratified (equal-width MAC bins). Default: stratified.")
  String sampler;

  @Option(names = "--seed", description = "Seed; the same seed gives the same sample anywhere.")
  Long seed;

  @Override
  Map<String, String> overrides() {
    return settings(AtlasConfig.SPACE, space, COUNT, count, SAMPLER, sampler, SEED, seed);
  }

  @Override
  Stage stage() {
    return new SampleStage();
  }

  public static void main(String[] args) {
    System.exit(AtlasCli.execute(new CommandLine(new SampleJob()), args));
  }

  /** The stage itself: pure function of (session, config, date). */
  static final class SampleStage implements Stage {
    @Override
    public String name() {
      return "sample";
    }

    @Override
    public void validate(AtlasConfig config) {
      Spaces.get(config.require(AtlasConfig.SPACE));
      try {
        ArchitectureSampling.samplerName(config.get(SAMPLER, "stratified"));
      } catch (IllegalArgumentException e) {
        throw new BadInputException(SAMPLER + "=" + config.get(SAMPLER, "") + ": " + e.getMessage(), e);
      }
      config.getInt(COUNT, 1100, 2, 50_000_000);
      config.getLong(SEED, 0, Long.MIN_VALUE, Long.MAX_VALUE);
      config.getInt(PARTITIONS, 4, 1, 100_000);
    }

    @Override
    public void run(SparkSession spark, AtlasConfig config, LocalDate buildDate, RunRecorder run) {
      String space = config.require(AtlasConfig.SPACE);
      String sampler = ArchitectureSampling.samplerName(config.get(SAMPLER, "stratified"));
      int count = config.getInt(COUNT, 1100, 2, 50_000_000);
      long seed = config.getLong(SEED, 0, Long.MIN_VALUE, Long.MAX_VALUE);
      int partitions = config.getInt(PARTITIONS, 4, 1, 100_000);

      Dataset<Row> distinct = ArchitectureSampling.distinctArchitectures(
              ArchitectureSampling.draws(spark, space, sampler, seed, count, partitions, buildDate))
          .persist(StorageLevel.MEMORY_AND_DISK());
      try {
        long n = distinct.count();
        Map<String, Long> arch = DeltaWrites.merge(spark, Architectures.TABLE, distinct, OnMatch.KEEP);
        Dataset<Row> samples = distinct
            .withColumn(Samples.BUILD_DATE, lit(Date.valueOf(buildDate)))
            .withColumn(Samples.RUN_ID, lit(run.runId()));
        // space names come from the registry, so they are safe inside the predicate
        DeltaWrites.replaceWhere(spark, Samples.TABLE, samples, String.format(
            "%s = DATE'%s' AND %s = '%s'", Samples.BUILD_DATE, buildDate, Samples.SPACE, space));
        run.count("draws", count);
        run.count("distinct", n);
        run.count("architectures_inserted", arch.get("numTargetRowsInserted"));
        run.count("samples", n);
      } finally {
        distinct.unpersist();
      }
    }
  }
}
