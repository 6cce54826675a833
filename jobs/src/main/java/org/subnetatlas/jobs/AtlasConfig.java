package org.subnetatlas.jobs;

import org.subnetatlas.transforms.BadInputException;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Effective settings of one run: the profile's properties file, then system properties
 * ({@code spark-submit --conf} arrives as {@code spark.*} system properties), then the CLI's own
 * options, each layer winning over the one before.
 *
 * <p>Profiles are {@code conf/<profile>.properties}, read from {@code $ATLAS_CONF_DIR} when set,
 * else from the classpath (the jar carries a copy of {@code conf/}).
 */
public final class AtlasConfig {

  public static final String PREFIX = "spark.atlas.";
  public static final String WAREHOUSE = PREFIX + "warehouse";
  public static final String DATA = PREFIX + "data";
  public static final String PROFILE = PREFIX + "profile";

  private final String profile;
  private final Map<String, String> values;

  private AtlasConfig(String profile, Map<String, String> values) {
    this.profile = profile;
    this.values = values;
  }

  /**
   * Loads {@code profile} and layers system properties and {@code overrides} on top.
   *
   * @throws BadInputException when the profile does not exist
   */
  public static AtlasConfig load(String profile, Map<String, String> overrides) {
    requireNonNull(profile, "profile");
    Properties props = readProfile(profile);
    Map<String, String> values = new TreeMap<>();
    props.stringPropertyNames().forEach(k -> values.put(k, props.getProperty(k).trim()));
    System.getProperties().stringPropertyNames().stream()
        .filter(k -> k.startsWith("spark."))
        .forEach(k -> values.put(k, System.getProperty(k)));
    overrides.forEach((k, v) -> {
      if (v != null) {
        values.put(k, v);
      }
    });
    values.put(PROFILE, profile);
    values.putIfAbsent(DATA, defaultDataDir());
    return new AtlasConfig(profile, values);
  }

  private static Properties readProfile(String profile) {
    if (!profile.matches("[A-Za-z0-9_-]+")) {
      throw new BadInputException("--profile " + profile + ": not a profile name");
    }
    String file = profile + ".properties";
    Properties props = new Properties();
    String confDir = System.getenv("ATLAS_CONF_DIR");
    try {
      if (confDir != null && Files.isRegularFile(Paths.get(confDir, file))) {
        try (Reader r = Files.newBufferedReader(Paths.get(confDir, file), StandardCharsets.UTF_8)) {
          props.load(r);
        }
        return props;
      }
      try (InputStream in = AtlasConfig.class.getResourceAsStream("/conf/" + file)) {
        if (in == null) {
          throw new BadInputException("--profile " + profile + ": unknown profile (no " + file
              + (confDir != null ? " in " + confDir + " nor" : "") + " on the classpath)");
        }
        props.load(in);
      }
    } catch (IOException e) {
      throw new BadInputException("--profile " + profile + ": cannot read " + file + ": "
          + e.getMessage(), e);
    }
    return props;
  }

  private static String defaultDataDir() {
    String home = System.getenv("ATLAS_HOME");
    Path base = home != null ? Paths.get(home) : Paths.get("");
    return base.resolve("data").resolve("fashion-mnist").toAbsolutePath().toString();
  }

  public String profile() {
    return profile;
  }

  /** Every effective key/value, sorted. */
  public Map<String, String> all() {
    return Map.copyOf(values);
  }

  public String get(String key, String fallback) {
    return values.getOrDefault(key, fallback);
  }

  public String require(String key) {
    String v = values.get(key);
    if (v == null || v.isBlank()) {
      throw new BadInputException(key + ": not set (profile " + profile + ")");
    }
    return v;
  }

  public int getInt(String key, int fallback, int min, int max) {
    long v = getLong(key, fallback, min, max);
    return (int) v;
  }

  public long getLong(String key, long fallback, long min, long max) {
    String raw = values.get(key);
    if (raw == null || raw.isBlank()) {
      return fallback;
    }
    long v;
    try {
      v = Long.parseLong(raw.trim());
    } catch (NumberFormatException e) {
      throw new BadInputException(key + "=" + raw + ": not an integer");
    }
    if (v < min || v > max) {
      throw new BadInputException(key + "=" + raw + ": must be between " + min + " and " + max);
    }
    return v;
  }

  public double getDouble(String key, double fallback, double min, double max) {
    return getDouble(key, fallback, min, max, min + " and " + max);
  }

  /** A value in [0, 1]; a bad one is reported as "between 0 and 1". */
  public double getFraction(String key, double fallback) {
    return getDouble(key, fallback, 0, 1, "0 and 1");
  }

  private double getDouble(String key, double fallback, double min, double max, String range) {
    String raw = values.get(key);
    if (raw == null || raw.isBlank()) {
      return fallback;
    }
    double v;
    try {
      v = Double.parseDouble(raw.trim());
    } catch (NumberFormatException e) {
      throw new BadInputException(key + "=" + raw + ": not a number");
    }
    if (!(v >= min && v <= max)) {
      throw new BadInputException(key + "=" + raw + ": must be between " + range);
    }
    return v;
  }

  public boolean getBoolean(String key, boolean fallback) {
    String raw = values.get(key);
    if (raw == null || raw.isBlank()) {
      return fallback;
    }
    return switch (raw.trim().toLowerCase()) {
      case "true", "yes", "1" -> true;
      case "false", "no", "0" -> false;
      default -> throw new BadInputException(key + "=" + raw + ": not a boolean (true|false)");
    };
  }

  /**
   * Warehouse root as a URI string. A bare path is made absolute so that every process (driver,
   * executors, the metastore) agrees on it.
   */
  public String warehouse() {
    return toUri(require(WAREHOUSE));
  }

  public String data() {
    return toUri(require(DATA));
  }

  static String toUri(String location) {
    if (location.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:/.*")) {
      return location.replaceAll("/+$", "");
    }
    return Paths.get(location).toAbsolutePath().normalize().toUri().toString().replaceAll("/+$", "");
  }

  /** sha-256 of the effective {@code spark.atlas.*} settings, so a run records what it ran with. */
  public String hash() {
    StringBuilder sb = new StringBuilder();
    values.forEach((k, v) -> {
      if (k.startsWith(PREFIX)) {
        sb.append(k).append('=').append(v).append('\n');
      }
    });
    return sha256(sb.toString());
  }

  public static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
