package org.subnetatlas.jobs;

import static java.util.Objects.requireNonNull;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import org.subnetatlas.jobs.settings.Setting;
import org.subnetatlas.transforms.BadInputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * A pipeline stage run as its own command: options → config → checks on the driver (bad input
 * exits 2 before any table is touched) → session → {@link Stage#run} → stop.
 *
 * <p>A stage's options are the command-line faces of declared settings ({@link #options}): their
 * help, default and value type come from the declaration, so {@code --help}, the profiles and the
 * docs cannot drift apart.
 */
@Command(modelTransformer = StageCommand.SettingOptions.class)
abstract class StageCommand extends AtlasCommand {

  @Option(names = "--date", paramLabel = "YYYY-MM-DD",
      description = "Build date the rows belong to (default: today, UTC). Rerunning a date replaces its rows.")
  String date;

  private final Supplier<Stage> stage;
  private final Map<String, Setting<?>> options;

  /**
   * {@code stage}: makes the stage this command runs; {@code options}: option name → the declared
   * setting it sets, as {@link #options} builds.
   */
  StageCommand(Supplier<Stage> stage, Map<String, Setting<?>> options) {
    this.stage = requireNonNull(stage, "stage");
    this.options = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(options));
  }

  /** The stage this command runs, a new one each call. */
  final Stage stage() {
    return stage.get();
  }

  /** This command's options, each setting one declared setting: option name → setting. */
  Map<String, Setting<?>> options() {
    return options;
  }

  /** The options given on the command line, as {@code spark.atlas.*} settings. */
  Map<String, String> overrides() {
    Map<String, String> given = new LinkedHashMap<>();
    options().forEach((name, setting) -> {
      Object value = spec.findOption(name).getValue();
      if (value != null) {
        given.put(setting.key(), String.valueOf(value));
      }
    });
    return given;
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

  /** {@code options("--space", SPACE, "--force", FORCE, ...)}: the pairs in the order given. */
  static Map<String, Setting<?>> options(Object... namesAndSettings) {
    Map<String, Setting<?>> m = new LinkedHashMap<>();
    for (int i = 0; i < namesAndSettings.length; i += 2) {
      m.put((String) namesAndSettings[i], (Setting<?>) namesAndSettings[i + 1]);
    }
    return m;
  }

  /** The option that sets {@code setting}: a flag off by default is a switch. */
  static OptionSpec optionFor(String name, Setting<?> setting) {
    OptionSpec.Builder b = OptionSpec.builder(name).type(setting.type());
    boolean isSwitch = setting.type() == Boolean.class && "false".equals(setting.defaultText());
    if (isSwitch) {
      b.arity("0");
    } else if (setting.type() == Boolean.class) {
      b.arity("1").paramLabel("true|false");
    } else {
      b.paramLabel(setting.type() == String.class ? "VALUE" : "N");
    }
    StringBuilder d = new StringBuilder(setting.help());
    if (!setting.defaultText().isEmpty() && !isSwitch) {
      d.append(" Default: ").append(setting.defaultText()).append(" unless the profile sets it.");
    }
    if (setting.type() != String.class && setting.type() != Boolean.class) {
      d.append(" Range: ").append(setting.range()).append('.');
    }
    return b.description(d.toString()).build();
  }

  /** Adds each stage's setting options to its command when picocli builds the command. */
  static final class SettingOptions implements CommandLine.IModelTransformer {
    @Override
    public CommandSpec transform(CommandSpec spec) {
      ((StageCommand) spec.userObject()).options()
          .forEach((name, setting) -> spec.addOption(optionFor(name, setting)));
      return spec;
    }
  }
}
