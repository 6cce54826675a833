package org.subnetatlas.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which stage writes which table, two ways: as docs/architecture.md declares it, and as the Delta
 * logs of a warehouse record it (each stage's commits carry its name as user metadata).
 */
final class StageWrites {

  static final Path ARCHITECTURE_DOC = Path.of("..", "docs", "architecture.md");

  private static final Pattern DOC_ROW = Pattern.compile("^\\| `([a-z-]+)` \\| (.*?) \\|");
  private static final Pattern NAME = Pattern.compile("`([a-z_]+)`");
  private static final ObjectMapper JSON = new ObjectMapper();

  private StageWrites() {}

  /** Stage → tables, from the rows of the doc's stage table ({@code | `stage` | `t1`, `t2` | ...}). */
  static Map<String, Set<String>> declared(Path doc) throws IOException {
    Map<String, Set<String>> out = new TreeMap<>();
    for (String line : Files.readAllLines(doc)) {
      Matcher row = DOC_ROW.matcher(line);
      if (row.find()) {
        Set<String> tables = new TreeSet<>();
        Matcher t = NAME.matcher(row.group(2));
        while (t.find()) {
          tables.add(t.group(1));
        }
        out.put(row.group(1), tables);
      }
    }
    return out;
  }

  /** Stage → tables it committed to, read from every {@code _delta_log} under the warehouse. */
  static Map<String, Set<String>> recorded(Path warehouse) throws IOException {
    Map<String, Set<String>> out = new TreeMap<>();
    List<Path> logs = new ArrayList<>();
    try (Stream<Path> files = Files.walk(warehouse)) {
      files.filter(p -> p.getParent() != null && p.getParent().getFileName().toString().equals("_delta_log")
          && p.getFileName().toString().matches("\\d{20}\\.json")).forEach(logs::add);
    }
    for (Path commit : logs) {
      String table = commit.getParent().getParent().getFileName().toString();
      for (String line : Files.readAllLines(commit)) {
        JsonNode info = JSON.readTree(line).get("commitInfo");
        if (info != null && info.hasNonNull("userMetadata")) {
          out.computeIfAbsent(info.get("userMetadata").asText(), k -> new TreeSet<>()).add(table);
        }
      }
    }
    return out;
  }

  /** Table → its latest Delta version, from the commit files under the warehouse. */
  static Map<String, Long> versions(Path warehouse) throws IOException {
    Map<String, Long> out = new TreeMap<>();
    try (Stream<Path> files = Files.walk(warehouse)) {
      files.filter(p -> p.getParent() != null && p.getParent().getFileName().toString().equals("_delta_log")
          && p.getFileName().toString().matches("\\d{20}\\.json")).forEach(commit -> out.merge(
              commit.getParent().getParent().getFileName().toString(),
              Long.parseLong(commit.getFileName().toString().substring(0, 20)), Math::max));
    }
    return out;
  }

  /**
   * Tables a stage commits to only when it has something for them: a device it meets for the first
   * time, quarantined rows, a lookup table it was asked to build.
   */
  static final Set<String> CONDITIONAL = Set.of("devices", "quarantine", "latency_lut");

  /**
   * Checks the warehouse's commits against docs/architecture.md for the stages that ran: each
   * stage committed to its audit row in {@code runs} and to every table the doc names for it, but
   * none other; a table in {@link #CONDITIONAL} may be missing.
   */
  static void assertMatchesDoc(Path warehouse, Set<String> ran) throws IOException {
    Map<String, Set<String>> recorded = recorded(warehouse);
    assertEquals(new TreeSet<>(ran), new TreeSet<>(recorded.keySet()), "stages with commits");
    Map<String, Set<String>> declared = only(declared(), ran);
    for (Map.Entry<String, Set<String>> e : recorded.entrySet()) {
      assertTrue(e.getValue().remove("runs"), e.getKey() + " wrote its audit row");
      Set<String> missing = new TreeSet<>(declared.get(e.getKey()));
      missing.removeAll(e.getValue());
      missing.removeAll(CONDITIONAL);
      Set<String> undeclared = new TreeSet<>(e.getValue());
      undeclared.removeAll(declared.get(e.getKey()));
      assertEquals(Set.of(), undeclared, e.getKey() + " wrote tables the doc does not name");
      assertEquals(Set.of(), missing, e.getKey() + " did not write tables the doc names");
    }
  }

  /** The declared map cut to the given stages, for a run that ran only those. */
  static Map<String, Set<String>> only(Map<String, Set<String>> map, Set<String> stages) {
    Map<String, Set<String>> out = new TreeMap<>(map);
    out.keySet().retainAll(stages);
    return out;
  }

  static Map<String, Set<String>> declared() {
    try {
      return declared(ARCHITECTURE_DOC);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
