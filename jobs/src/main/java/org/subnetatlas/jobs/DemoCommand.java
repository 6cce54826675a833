package org.subnetatlas.jobs;

import java.time.LocalDate;
import java.time.ZoneOffset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code atlas demo}: the whole nightly build on the bundled data with the embedded defaults
 * (local Spark, {@code ./warehouse}), dated today unless told otherwise.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Run the whole nightly build on the bundled data: local Spark, ./warehouse.",
        "Afterwards: atlas sql \"SELECT count(*) FROM atlas.measurements\""})
final class DemoCommand extends AtlasCommand {

  @Option(names = "--date", paramLabel = "YYYY-MM-DD",
      description = "Build date (default: today, UTC).")
  String date;

  @Override
  public Integer call() {
    LocalDate buildDate = date == null ? LocalDate.now(ZoneOffset.UTC) : StageCommand.parseDate(date);
    return NightlyCommand.runAll(config(), buildDate, "atlas demo");
  }
}
