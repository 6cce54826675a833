package org.subnetatlas.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The CLI's commands that need no Spark: output on stdout, errors on stderr, exit codes. */
class CliTest {

  static final String OFA_LARGEST = "{\"ks\":[7,7,7,7,7,7,7,7,7,7,7,7,7,7,7,7,7,7,7,7],"
      + "\"e\":[6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6,6],\"d\":[4,4,4,4,4],\"r\":224}";
  static final String OFA_SMALLEST = "{\"ks\":[3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3],"
      + "\"e\":[3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3],\"d\":[2,2,2,2,2],\"r\":128}";

  /** Exit code, stdout and stderr of one in-process CLI run. */
  record Result(int exit, String out, String err) {}

  static Result run(String stdin, String... args) {
    PrintStream oldOut = System.out;
    InputStream oldIn = System.in;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringWriter err = new StringWriter();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
      CommandLine cl = new CommandLine(new AtlasCli());
      cl.setErr(new PrintWriter(err, true));
      int exit = AtlasCli.execute(cl, args);
      return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString());
    } finally {
      System.setOut(oldOut);
      System.setIn(oldIn);
    }
  }

  @Test
  void spaceCostReproducesOfasOwnCounterAtBothReferencePoints() {
    Result r = run(OFA_LARGEST + "\n" + OFA_SMALLEST + "\n", "space", "cost", "--space", "ofa-mbv3");
    assertEquals(0, r.exit(), r.err());
    List<String> lines = r.out().lines().toList();
    assertEquals(2, lines.size(), r.out());
    assertTrue(lines.get(0).endsWith(",\"macs\":566170688,\"params\":7664760}"), lines.get(0));
    assertTrue(lines.get(1).endsWith(",\"macs\":41476224,\"params\":3410792}"), lines.get(1));
  }

  @Test
  void spaceListShowsBothSpaces() {
    Result r = run("", "space", "list");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().lines().anyMatch(l -> l.startsWith("ofa-mbv3\t1\tsupernet\t")), r.out());
    assertTrue(r.out().lines().anyMatch(l -> l.startsWith("mbv3-tiny\t1\tsupernet\t")), r.out());
  }

  @Test
  void anUnknownSpaceIsBadInputWithOneLineNamingIt() {
    Result r = run("", "space", "cost", "--space", "resnet-9000");
    assertEquals(2, r.exit());
    assertEquals("cost: error: unknown space \"resnet-9000\"; known spaces: mbv3-tiny, ofa-mbv3, snnet-deit-tsb, vit-tiny-family",
        r.err().strip());
  }

  @Test
  void aMalformedArchLineIsBadInputNamingTheLineAndField() {
    String shortKs = OFA_LARGEST.replaceFirst("\\[7(,7)*\\]", "[7]");
    Result r = run(OFA_LARGEST + "\n" + shortKs + "\n",
        "space", "cost", "--space", "ofa-mbv3");
    assertEquals(2, r.exit());
    assertEquals(1, r.out().lines().count(), "the good line before the bad one is still printed");
    String err = r.err().strip();
    assertEquals(1, err.lines().count(), err);
    assertTrue(err.startsWith("cost: error: stdin line 2: field \"ks\": expected 20 ints, got 1"), err);
  }

  @Test
  void globalOptionsAreAcceptedBeforeAndAfterTheSubcommand() {
    Result before = run("", "--profile", "nope", "space", "list");
    Result after = run("", "space", "list", "--profile", "nope");
    // space list needs no profile; an unknown one only matters to commands that load settings
    assertEquals(0, before.exit(), before.err());
    assertEquals(0, after.exit(), after.err());
  }

  @Test
  void unknownCommandsAndOptionsAreUsageErrors() {
    assertEquals(2, run("", "frobnicate").exit());
    assertEquals(2, run("", "space", "cost", "--space", "ofa-mbv3", "--bogus").exit());
    assertEquals(2, run("").exit());
  }

  @Test
  void enumerateRefusesSpacesTooLargeToList() {
    Result r = run("", "space", "enumerate", "--space", "mbv3-tiny");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("too large to enumerate"), r.err());
  }

  @Test
  void everyCommandHasHelp() {
    for (String cmd : List.of("demo", "nightly", "sample", "train-supernet", "train-stitches",
        "evaluate", "measure", "validate", "release", "sql", "space", "metastore")) {
      Result r = run("", cmd, "--help");
      assertEquals(0, r.exit(), cmd + ": " + r.err());
      assertTrue(r.out().contains("Usage: atlas " + cmd), cmd + ": " + r.out());
    }
  }

  @Test
  void aBadReleaseTagOrThresholdIsBadInputBeforeSparkStarts() {
    Result tag = run("", "release", "--tag", "../escape", "--date", "2026-11-30");
    assertEquals(2, tag.exit(), tag.err());
    assertTrue(tag.err().startsWith("release: error: --tag ../escape: not a release tag"), tag.err());
    Result ratio = run("", "validate", "--min-row-ratio", "1.5", "--date", "2026-11-30");
    assertEquals(2, ratio.exit(), ratio.err());
    assertEquals("validate: error: spark.atlas.validate.min-row-ratio=1.5: must be between 0 and 1",
        ratio.err().strip());
  }
}
