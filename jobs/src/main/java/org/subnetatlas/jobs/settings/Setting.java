package org.subnetatlas.jobs.settings;

import java.util.function.BiFunction;
import org.subnetatlas.jobs.AtlasConfig;

/**
 * One {@code spark.atlas.*} setting, declared once: key, default, allowed range and help. Stages
 * read settings only through these declarations, and {@code conf/*.properties}, option help and
 * the docs are checked against them.
 *
 * @param <T> the value type that {@link #get} returns
 */
public abstract sealed class Setting<T> permits Setting.Int, Setting.Int64, Setting.Real,
    Setting.Flag, Setting.Text {

  private final String key;
  private final String defaultText;
  private final String range;
  private final String help;
  private final Class<T> type;
  private final BiFunction<AtlasConfig, String, T> reader;

  private Setting(String name, Object defaultValue, String range, String help, Class<T> type,
      BiFunction<AtlasConfig, String, T> reader) {
    this.key = AtlasConfig.PREFIX + name;
    this.defaultText = defaultValue == null ? "" : defaultValue.toString();
    this.range = range;
    this.help = help;
    this.type = type;
    this.reader = reader;
  }

  /** Full key, e.g. {@code spark.atlas.eval.partitions}. */
  public String key() {
    return key;
  }

  /** The default as it would be written in a properties file; empty when there is none. */
  public String defaultText() {
    return defaultText;
  }

  /** Allowed values in words, e.g. {@code 1..1000000}. */
  public String range() {
    return range;
  }

  public String help() {
    return help;
  }

  /** The type a command-line option of this setting parses its value as. */
  public Class<T> type() {
    return type;
  }

  /** The configured value, or the default; a value out of range is bad input. */
  public T get(AtlasConfig config) {
    return reader.apply(config, key);
  }

  /** Reads the setting so that a bad value fails now, on the driver, as bad input. */
  public void check(AtlasConfig config) {
    get(config);
  }

  @Override
  public String toString() {
    return key + " (default " + defaultText + ", " + range + ")";
  }

  static Int ofInt(String name, int defaultValue, int min, int max, String help) {
    return new Int(name, defaultValue, min, max, help);
  }

  static Int64 ofLong(String name, long defaultValue, long min, long max, String help) {
    return new Int64(name, defaultValue, min, max, help);
  }

  static Real ofDouble(String name, double defaultValue, double min, double max, String help) {
    return new Real(name, defaultValue, min, max, help);
  }

  static Flag ofBoolean(String name, boolean defaultValue, String help) {
    return new Flag(name, defaultValue, help);
  }

  /** A free-form or list value; {@code defaultValue} may be null (no default). */
  static Text ofText(String name, String defaultValue, String help) {
    return new Text(name, defaultValue, help);
  }

  /** An integer setting. */
  public static final class Int extends Setting<Integer> {
    private Int(String name, int defaultValue, int min, int max, String help) {
      super(name, defaultValue, min + ".." + max, help, Integer.class,
          (config, key) -> config.getInt(key, defaultValue, min, max));
    }
  }

  /** A long integer setting (seeds). */
  public static final class Int64 extends Setting<Long> {
    private Int64(String name, long defaultValue, long min, long max, String help) {
      super(name, defaultValue,
          min == Long.MIN_VALUE && max == Long.MAX_VALUE ? "any integer" : min + ".." + max, help,
          Long.class, (config, key) -> config.getLong(key, defaultValue, min, max));
    }
  }

  /** A floating-point setting. */
  public static final class Real extends Setting<Double> {
    private Real(String name, double defaultValue, double min, double max, String help) {
      super(name, defaultValue, min + ".." + max, help, Double.class,
          (config, key) -> config.getDouble(key, defaultValue, min, max));
    }
  }

  /** A boolean setting. */
  public static final class Flag extends Setting<Boolean> {
    private Flag(String name, boolean defaultValue, String help) {
      super(name, defaultValue, "true|false", help, Boolean.class,
          (config, key) -> config.getBoolean(key, defaultValue));
    }
  }

  /** A text setting; the stage that reads it parses and checks its value. */
  public static final class Text extends Setting<String> {
    private Text(String name, String defaultValue, String help) {
      super(name, defaultValue, "text", help, String.class,
          (config, key) -> config.get(key, defaultValue));
    }
  }
}
