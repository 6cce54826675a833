package org.subnetatlas.jobs;

import org.subnetatlas.transforms.BadInputException;
import java.io.PrintWriter;
import org.apache.spark.SparkException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The {@code atlas} command line. The launcher script runs it through spark-submit; on a cluster:
 *
 * <pre>spark-submit --class org.subnetatlas.jobs.AtlasCli atlas-jobs-shaded.jar nightly --date 2026-11-30</pre>
 *
 * <p>Exit codes: 0 ok, 1 failed run, 2 bad usage or bad input.
 */
@Command(name = "atlas", mixinStandardHelpOptions = true,
    versionProvider = AtlasCli.Version.class,
    description = "Subnet Atlas: builds neural-architecture benchmark tables on Spark, DJL and Delta Lake.",
    subcommands = {
        DemoCommand.class, NightlyCommand.class, SampleJob.class, TrainSupernetJob.class,
        TrainStitchesJob.class, EvaluateJob.class, MeasureJob.class, ValidateJob.class,
        TrainPredictorJob.class, SearchJob.class, TrainStandaloneJob.class, ReleaseJob.class,
        SqlCommand.class, ServeSqlCommand.class, ServeSqlUserCommand.class, MetastoreCommand.class,
        SpaceCommand.class,
        CommandLine.HelpCommand.class})
public final class AtlasCli implements Runnable {

  static final int EXIT_FAILED = 1;
  static final int EXIT_BAD_INPUT = 2;
  private static final Logger LOG = LoggerFactory.getLogger(AtlasCli.class);

  @Mixin
  GlobalOptions global = new GlobalOptions();

  @Override
  public void run() {
    throw new CommandLine.ParameterException(new CommandLine(this), "missing command");
  }

  public static void main(String[] args) {
    System.exit(execute(new CommandLine(new AtlasCli()), args));
  }

  /** Runs {@code cl} and maps failures to exit codes with a one-line message on stderr. */
  static int execute(CommandLine cl, String... args) {
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      Throwable bad = badInput(ex);
      PrintWriter err = cmd.getErr();
      if (bad != null) {
        err.println(cmd.getCommandName() + ": error: " + bad.getMessage());
        err.flush();
        return EXIT_BAD_INPUT;
      }
      if (gateFailure(ex) != null) {
        // a failed gate is an expected outcome: its message names every failed check
        err.println(cmd.getCommandName() + ": failed: " + gateFailure(ex).getMessage());
        err.flush();
        return EXIT_FAILED;
      }
      LOG.error("{} failed", cmd.getCommandName(), ex);
      err.println(cmd.getCommandName() + ": failed: " + rootMessage(ex));
      err.flush();
      return EXIT_FAILED;
    });
    return cl.execute(args);
  }

  /** The bad-input exception in {@code t}'s cause chain, or null when it is a failed run. */
  static Throwable badInput(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof BadInputException
          || c instanceof org.subnetatlas.spaces.InvalidArchException
          || c instanceof org.subnetatlas.spaces.UnknownSpaceException
          || c instanceof org.subnetatlas.udfs.evaluation.NonFiniteMetricsException
          // a device the host lacks is a configuration error, also when an executor finds it
          || c instanceof org.subnetatlas.udfs.nets.DeviceUnavailableException) {
        return c;
      }
      if (c instanceof SparkException && c.getCause() == null) {
        return null;
      }
    }
    return null;
  }

  static Throwable gateFailure(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof org.subnetatlas.transforms.QualityGates.GateFailedException) {
        return c;
      }
    }
    return null;
  }

  static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = String.valueOf(root.getMessage()).lines().findFirst().orElse("");
    return root.getClass().getSimpleName() + ": " + message;
  }

  /** {@code atlas --version}. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"atlas " + CodeVersion.get()};
    }
  }
}
