package org.subnetatlas.jobs;

import org.subnetatlas.transforms.BadInputException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * A pipeline stage run as its own command: options → config → checks on the driver (bad input
 * exits 2 before any table is touched) → session → {@link Stage#run} → stop.
 */
abstract class StageCommand extends AtlasCommand {

  @Option(names = "--date", paramLabel = "YYYY-MM-DD",
      description = "Build date the rows belong to (default: today, UTC). Rerunning a date replaces its rows.")
  String date;

  /** The stage this command runs. */
  abstract Stage stage();

  /** This command's options as {@code spark.atlas.*} settings (null values are ignored). */
  Map<String, String> overrides() {
    return Map.of();
  }

  @Override
  public Integer call() {
    AtlasConfig config = config(overrides());
    LocalDate buildDate = parseDate(date);
    Stage stage = stage();
    stage.validate(config);
    SparkSession spark = AtlasSession.open(config, "atlas " + stage.name());
    try {
      AtlasSession.ensureTables(spark, config.warehouse());
      Stages.execute(spark, config, stage, buildDate);
      return 0;
    } finally {
      spark.stop();
    }
  }

  /** The {@code main} of a stage's own class (spark-submit --class): runs it, exits with its code. */
  static void launch(StageCommand command, String[] args) {
    System.exit(AtlasCli.execute(new CommandLine(command), args));
  }

  static LocalDate parseDate(String raw) {
    if (raw == null) {
      return LocalDate.now(ZoneOffset.UTC);
    }
    try {
      return LocalDate.parse(raw);
    } catch (DateTimeParseException e) {
      throw new BadInputException("--date " + raw + ": not a date (expected YYYY-MM-DD)");
    }
  }

  static Map<String, String> settings(Object... keyValues) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      if (keyValues[i + 1] != null) {
        m.put((String) keyValues[i], String.valueOf(keyValues[i + 1]));
      }
    }
    return m;
  }
}
