package org.subnetatlas.jobs;

import static org.subnetatlas.jobs.settings.SampleKeys.*;

import java.time.LocalDate;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.subnetatlas.spaces.Spaces;
import org.subnetatlas.transforms.sampling.NightlySample;
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
    return settings(AtlasConfig.SPACE, space, COUNT.key(), count, SAMPLER.key(), sampler,
        SEED.key(), seed);
  }

  @Override
  Stage stage() {
    return new SampleStage();
  }

  public static void main(String[] args) {
    launch(new SampleJob(), args);
  }

  /** Draws the night's sample into atlas.architectures and atlas.samples. */
  static final class SampleStage implements Stage {
    @Override
    public void validate(AtlasConfig config) {
      Spaces.get(config.require(AtlasConfig.SPACE));
      sampler(config);
      COUNT.get(config);
      SEED.get(config);
      PARTITIONS.get(config);
    }

    @Override
    public void run(SparkSession spark, AtlasConfig config, LocalDate buildDate, RunRecorder run) {
      NightlySample.write(spark, new NightlySample.Request(config.require(AtlasConfig.SPACE),
          sampler(config), SEED.get(config), COUNT.get(config), PARTITIONS.get(config), buildDate,
          run.runId()), run);
    }
  }
}
