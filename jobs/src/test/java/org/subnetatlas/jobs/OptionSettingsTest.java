package org.subnetatlas.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.subnetatlas.jobs.settings.Setting;
import org.subnetatlas.jobs.settings.Settings;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every option a stage command shows in {@code --help} sets a declared setting: each option is
 * given alone, and the settings it turns into must all be declared (key, default, range, help);
 * the help it shows is the declaration's.
 */
class OptionSettingsTest {

  /**
   * Options every command has: help, the build date, and the global ones (profile, warehouse,
   * data), which GlobalOptions maps onto CommonKeys.
   */
  private static final Set<String> NOT_SETTINGS = Set.of("--help", "--version", "--date",
      "--profile", "--warehouse", "--data");

  private static String sampleValue(OptionSpec o) {
    Class<?> t = o.type();
    if (t == Integer.class || t == int.class || t == Long.class || t == long.class) {
      return "3";
    }
    if (t == Double.class || t == double.class) {
      return "0.5";
    }
    if (t == Boolean.class || t == boolean.class) {
      return o.arity().max() == 0 ? null : "true";
    }
    if (t.isEnum()) {
      return t.getEnumConstants()[0].toString();
    }
    return "x";
  }

  /** Stage command → option → the setting keys that option alone produces. */
  static Map<String, Map<String, Set<String>>> optionKeys() throws Exception {
    Map<String, Map<String, Set<String>>> out = new TreeMap<>();
    CommandLine cli = new CommandLine(new AtlasCli());
    for (CommandLine sub : cli.getSubcommands().values()) {
      if (!(sub.getCommand() instanceof StageCommand)) {
        continue;
      }
      Map<String, Set<String>> byOption = new TreeMap<>();
      for (OptionSpec o : sub.getCommandSpec().options()) {
        if (NOT_SETTINGS.contains(o.longestName())) {
          continue;
        }
        StageCommand fresh = (StageCommand) sub.getCommand().getClass()
            .getDeclaredConstructor().newInstance();
        String value = sampleValue(o);
        new CommandLine(fresh).parseArgs(value == null
            ? new String[] {o.longestName()} : new String[] {o.longestName(), value});
        byOption.put(o.longestName(), new TreeSet<>(fresh.overrides().keySet()));
      }
      out.put(sub.getCommandName(), byOption);
    }
    return out;
  }

  @Test
  void everyStageOptionSetsOnlyDeclaredSettings() throws Exception {
    Map<String, Map<String, Set<String>>> all = optionKeys();
    assertTrue(all.keySet().containsAll(List.of("sample", "evaluate", "measure", "search")),
        all.keySet().toString());
    long checked = all.values().stream().mapToLong(Map::size).sum();
    assertTrue(checked > 30, "stage options checked: " + checked);
    Map<String, Set<String>> undeclared = new TreeMap<>();
    Map<String, Set<String>> noSetting = new TreeMap<>();
    all.forEach((command, options) -> options.forEach((option, keys) -> {
      Set<String> bad = new TreeSet<>(keys);
      bad.removeAll(Settings.all().keySet());
      if (!bad.isEmpty()) {
        undeclared.put(command + " " + option, bad);
      }
      if (keys.isEmpty()) {
        noSetting.put(command + " " + option, keys);
      }
    }));
    assertEquals(Map.of(), undeclared, "options that set undeclared settings");
    assertEquals(Map.of(), noSetting, "options that set no setting at all");
  }

  /** What {@code --help} says of each option is its setting's help and declared default. */
  @Test
  void helpShowsEachSettingsHelpAndDefault() {
    CommandLine cli = new CommandLine(new AtlasCli());
    int checked = 0;
    for (CommandLine sub : cli.getSubcommands().values()) {
      if (!(sub.getCommand() instanceof StageCommand stage)) {
        continue;
      }
      String help = sub.getUsageMessage(CommandLine.Help.Ansi.OFF).replaceAll("\\s+", " ");
      for (Map.Entry<String, Setting<?>> e : stage.options().entrySet()) {
        Setting<?> s = e.getValue();
        String text = s.help().replaceAll("\\s+", " ");
        assertTrue(help.contains(e.getKey()), sub.getCommandName() + " --help lacks " + e.getKey());
        assertTrue(help.contains(text), sub.getCommandName() + " " + e.getKey() + ": " + text);
        if (!s.defaultText().isEmpty() && !"false".equals(s.defaultText())) {
          String shown = text + " Default: " + s.defaultText() + " unless the profile sets it.";
          assertTrue(help.contains(shown), sub.getCommandName() + " " + e.getKey() + ": " + shown);
        }
        checked++;
      }
    }
    assertTrue(checked > 30, "options checked: " + checked);
  }
}
