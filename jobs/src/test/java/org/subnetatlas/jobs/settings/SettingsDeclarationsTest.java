package org.subnetatlas.jobs.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.subnetatlas.jobs.AtlasConfig;
import org.subnetatlas.transforms.BadInputException;
import org.subnetatlas.udfs.prediction.PredictUdf;

/** The profiles and the docs name only declared settings, with values their declarations accept. */
class SettingsDeclarationsTest {

  private static final Path ROOT = Path.of("..");
  private static final Pattern KEY = Pattern.compile("spark\\.atlas\\.[a-z0-9][a-z0-9.-]*[a-z0-9]");
  /** Keys read outside the stage settings: the profile name the CLI records. */
  private static final Set<String> NOT_STAGE_SETTINGS = Set.of(AtlasConfig.PROFILE);

  private static Set<String> undeclared(Set<String> keys) {
    Set<String> out = new TreeSet<>(keys);
    out.removeAll(Settings.all().keySet());
    out.removeAll(NOT_STAGE_SETTINGS);
    return out;
  }

  @Test
  void everyProfileKeyIsDeclaredAndItsValueAccepted() throws IOException {
    try (Stream<Path> files = Files.list(ROOT.resolve("conf"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".properties")).toList()) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(f)) {
          p.load(r);
        }
        Map<String, String> atlas = new HashMap<>();
        p.stringPropertyNames().stream().filter(k -> k.startsWith(AtlasConfig.PREFIX))
            .forEach(k -> atlas.put(k, p.getProperty(k)));
        assertEquals(Set.of(), undeclared(atlas.keySet()), f.toString());
        AtlasConfig config = AtlasConfig.load("local", atlas);
        for (String key : atlas.keySet()) {
          if (!NOT_STAGE_SETTINGS.contains(key)) {
            try {
              Settings.all().get(key).check(config);
            } catch (BadInputException e) {
              throw new AssertionError(f + ": " + e.getMessage(), e);
            }
          }
        }
      }
    }
  }

  @Test
  void everyKeyTheDocsNameIsDeclared() throws IOException {
    Set<String> named = new TreeSet<>();
    try (Stream<Path> docs = Stream.concat(Stream.of(ROOT.resolve("README.md")),
        Files.list(ROOT.resolve("docs")).filter(p -> p.toString().endsWith(".md")))) {
      for (Path d : docs.toList()) {
        String text = Files.readString(d);
        Matcher m = KEY.matcher(text);
        while (m.find()) {
          if (!text.startsWith(".*", m.end())) {  // spark.atlas.measure.* names a group
            named.add(m.group());
          }
        }
      }
    }
    assertTrue(named.size() > 10, "the docs were read: " + named);
    assertEquals(Set.of(), undeclared(named));
  }

  @Test
  void theSqlFunctionReadsTheDeclaredPinDateKey() {
    assertEquals(PredictorKeys.PIN_DATE.key(), PredictUdf.PIN_DATE);
  }

  @Test
  void aValueOutOfItsDeclaredRangeIsBadInput() {
    Setting<?> partitions = EvaluateKeys.PARTITIONS;
    AtlasConfig config = AtlasConfig.load("local", Map.of(partitions.key(), "0"));
    try {
      partitions.check(config);
      throw new AssertionError("0 partitions accepted");
    } catch (BadInputException e) {
      assertTrue(e.getMessage().contains(partitions.key()), e.getMessage());
    }
  }
}
