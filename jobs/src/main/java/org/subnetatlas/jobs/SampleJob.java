package org.subnetatlas.jobs;

import static org.subnetatlas.jobs.settings.SampleKeys.*;

import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;
import org.subnetatlas.jobs.settings.CommonKeys;
import org.subnetatlas.spaces.Spaces;
import org.subnetatlas.transforms.sampling.NightlySample;
import picocli.CommandLine.Command;

/**
 * {@code atlas sample}: draws sub-networks of a space, costs them analytically and records them in
 * {@code atlas.architectures} (one row per arch_id) and the night's list in {@code atlas.samples}.
 *
 * <pre>spark-submit --class org.subnetatlas.jobs.SampleJob atlas-jobs-shaded.jar --date 2026-11-30</pre>
 */
@Command(name = "sample", mixinStandardHelpOptions = true,
    description = "Sample sub-networks of a search space into atlas.architectures and atlas.samples.")
public final class SampleJob extends StageCommand {

  public SampleJob() {
    super(SampleStage::new, options("--space", CommonKeys.SPACE, "--count", COUNT,
        "--sampler", SAMPLER, "--seed", SEED));
  }

  public static void main(String[] args) {
    launch(new SampleJob(), args);
  }

  /** Draws the night's sample into atlas.architectures and atlas.samples. */
  static final class SampleStage implements Stage {
    @Override
    public void validate(AtlasConfig config) {
      Spaces.get(CommonKeys.SPACE.get(config));
      sampler(config);
      COUNT.get(config);
      SEED.get(config);
      PARTITIONS.get(config);
    }

    @Override
    public void run(SparkSession spark, AtlasConfig config, LocalDate buildDate, RunRecorder run) {
      NightlySample.write(spark, new NightlySample.Request(CommonKeys.SPACE.get(config),
          sampler(config), SEED.get(config), COUNT.get(config), PARTITIONS.get(config), buildDate,
          run.runId()), run);
    }
  }
}
