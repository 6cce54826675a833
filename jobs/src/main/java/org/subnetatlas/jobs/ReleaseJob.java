package org.subnetatlas.jobs;

import static org.subnetatlas.jobs.settings.ReleaseKeys.*;

import java.time.LocalDate;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.SparkSession;
import org.subnetatlas.jobs.settings.ValidateKeys;
import org.subnetatlas.transforms.BadInputException;
import org.subnetatlas.transforms.ReleaseBuilder;
import org.subnetatlas.transforms.quality.Validation;
import picocli.CommandLine.Command;

/**
 * {@code atlas release --tag T}: pins every table's Delta version, runs the quality gates, and
 * exports the tables at those versions with a manifest, a datasheet and plots under
 * {@code <warehouse>/releases/T/}. An existing tag is rebuilt from its pinned versions and
 * verified byte for byte instead.
 *
 * <pre>spark-submit --class org.subnetatlas.jobs.ReleaseJob atlas-jobs-shaded.jar --tag nightly-2026-11-30 --date 2026-11-30</pre>
 */
@Command(name = "release", mixinStandardHelpOptions = true, description = {
    "Publish the tables at pinned Delta versions: Parquet + CSV, manifest.json, DATASHEET.md and"
        + " plots under <warehouse>/releases/<tag>/, recorded in atlas.releases.",
    "Runs the quality gates for --date first and refuses on failure. An existing tag is rebuilt"
        + " from its pinned versions and must match byte for byte."})
public final class ReleaseJob extends StageCommand {

  public ReleaseJob() {
    super(ReleaseStage::new, options("--tag", TAG));
  }

  public static void main(String[] args) {
    launch(new ReleaseJob(), args);
  }

  /** Publishes the release once the gates pass; last in the nightly build. */
  static final class ReleaseStage implements Stage {
    @Override
    public void validate(AtlasConfig config) {
      String t = TAG.get(config);
      if (t != null) {
        try {
          ReleaseBuilder.checkTag(t);
        } catch (ReleaseBuilder.BadTagException e) {
          throw new BadInputException(e.getMessage());
        }
      }
      ValidateKeys.thresholds(config);
    }

    @Override
    public void run(SparkSession spark, AtlasConfig config, LocalDate buildDate, RunRecorder run) {
      Map<String, String> settings = new TreeMap<>();
      config.all().forEach((k, v) -> {
        if (k.startsWith(AtlasConfig.PREFIX)) {
          settings.put(k, v);
        }
      });
      ReleaseBuilder.Release r = ReleaseBuilder.release(spark, new ReleaseBuilder.Spec(
              tag(config, buildDate), buildDate, config.warehouse(), CodeVersion.get(), settings),
          () -> Validation.enforce(spark, config.warehouse(), buildDate, run.runId(),
              ValidateKeys.thresholds(config), run));
      run.count("files", r.files().size());
      run.count("verified_existing", r.verified() ? 1 : 0);
      System.err.println("release " + r.tag() + (r.verified() ? ": exists, verified identical: "
          : ": written: ") + r.location() + "/manifest.json (sha256 " + r.manifestSha256() + ")");
    }
  }
}
