package org.subnetatlas.jobs;

import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code atlas nightly --date D}: every stage for one build date in one session, as the Airflow
 * DAG runs them. Stops at the first failing stage; every table stays at its last commit.
 */
@Command(name = "nightly", mixinStandardHelpOptions = true,
    description = "Run every stage for one build date, in the order --list-stages prints.")
public class NightlyCommand extends AtlasCommand {

  private static final Logger LOG = LoggerFactory.getLogger(NightlyCommand.class);

  @Option(names = "--date", paramLabel = "YYYY-MM-DD",
      description = "Build date (required to run). Rerunning a date replaces its rows, never duplicates them.")
  String date;

  @Option(names = "--list-stages",
      description = "Print the nightly stages in order, one per line, and exit; the DAG and scripts read this.")
  boolean listStages;

  @Override
  public Integer call() {
    if (listStages) {
      Stages.nightlyNames().forEach(System.out::println);
      return 0;
    }
    if (date == null) {
      throw new CommandLine.ParameterException(new CommandLine(this),
          "Missing required option: '--date=YYYY-MM-DD'");
    }
    return runAll(config(), StageCommand.parseDate(date), "atlas nightly");
  }

  static int runAll(AtlasConfig config, LocalDate buildDate, String appName) {
    List<Stage> stages = Stages.nightly();
    for (Stage s : stages) {
      s.validate(config);
    }
    long start = System.nanoTime();
    SparkSession spark = AtlasSession.open(config, appName);
    try {
      AtlasSession.ensureTables(spark, config.warehouse());
      for (Stage s : stages) {
        Stages.execute(spark, config, s, buildDate);
      }
      LOG.info("build {} complete in {} s: warehouse {}", buildDate,
          String.format("%.0f", (System.nanoTime() - start) / 1e9), config.warehouse());
      return 0;
    } finally {
      spark.stop();
    }
  }

  public static void main(String[] args) {
    System.exit(AtlasCli.execute(new CommandLine(new NightlyCommand()), args));
  }
}
