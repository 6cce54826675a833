package org.subnetatlas.jobs.settings;

import org.subnetatlas.jobs.AtlasConfig;

/**
 * One {@code spark.atlas.*} setting, declared once: key, default, allowed range and help. Stages
 * read settings only through these declarations, and {@code conf/*.properties}, option help and
 * the docs are checked against them.
 */
public sealed interface Setting permits Setting.Int, Setting.Int64, Setting.Real, Setting.Flag,
    Setting.Text {

  /** Full key, e.g. {@code spark.atlas.eval.partitions}. */
  String key();

  /** The default as it would be written in a properties file; empty when there is none. */
  String defaultText();

  /** Allowed values in words, e.g. {@code 1..1000000}. */
  String range();

  String help();

  /** Reads the setting so that a bad value fails now, on the driver, as bad input. */
  void check(AtlasConfig config);

  private static String key(String name) {
    return AtlasConfig.PREFIX + name;
  }

  static Int ofInt(String name, int defaultValue, int min, int max, String help) {
    return new Int(key(name), defaultValue, min, max, help);
  }

  static Int64 ofLong(String name, long defaultValue, long min, long max, String help) {
    return new Int64(key(name), defaultValue, min, max, help);
  }

  static Real ofDouble(String name, double defaultValue, double min, double max, String help) {
    return new Real(key(name), defaultValue, min, max, help);
  }

  static Flag ofBoolean(String name, boolean defaultValue, String help) {
    return new Flag(key(name), defaultValue, help);
  }

  /** A free-form or list value; {@code defaultValue} may be null (no default). */
  static Text ofText(String name, String defaultValue, String help) {
    return new Text(key(name), defaultValue, help);
  }

  /** An integer setting. */
  record Int(String key, int defaultValue, int min, int max, String help) implements Setting {
    public int get(AtlasConfig config) {
      return config.getInt(key, defaultValue, min, max);
    }

    @Override
    public String defaultText() {
      return Integer.toString(defaultValue);
    }

    @Override
    public String range() {
      return min + ".." + max;
    }

    @Override
    public void check(AtlasConfig config) {
      get(config);
    }
  }

  /** A long integer setting (seeds). */
  record Int64(String key, long defaultValue, long min, long max, String help) implements Setting {
    public long get(AtlasConfig config) {
      return config.getLong(key, defaultValue, min, max);
    }

    @Override
    public String defaultText() {
      return Long.toString(defaultValue);
    }

    @Override
    public String range() {
      return min == Long.MIN_VALUE && max == Long.MAX_VALUE ? "any integer" : min + ".." + max;
    }

    @Override
    public void check(AtlasConfig config) {
      get(config);
    }
  }

  /** A floating-point setting. */
  record Real(String key, double defaultValue, double min, double max, String help) implements Setting {
    public double get(AtlasConfig config) {
      return config.getDouble(key, defaultValue, min, max);
    }

    @Override
    public String defaultText() {
      return Double.toString(defaultValue);
    }

    @Override
    public String range() {
      return min + ".." + max;
    }

    @Override
    public void check(AtlasConfig config) {
      get(config);
    }
  }

  /** A boolean setting. */
  record Flag(String key, boolean defaultValue, String help) implements Setting {
    public boolean get(AtlasConfig config) {
      return config.getBoolean(key, defaultValue);
    }

    @Override
    public String defaultText() {
      return Boolean.toString(defaultValue);
    }

    @Override
    public String range() {
      return "true|false";
    }

    @Override
    public void check(AtlasConfig config) {
      get(config);
    }
  }

  /** A text setting; the stage that reads it parses and checks its value. */
  record Text(String key, String defaultValue, String help) implements Setting {
    public String get(AtlasConfig config) {
      return config.get(key, defaultValue);
    }

    @Override
    public String defaultText() {
      return defaultValue == null ? "" : defaultValue;
    }

    @Override
    public String range() {
      return "text";
    }

    @Override
    public void check(AtlasConfig config) {
      get(config);
    }
  }
}
