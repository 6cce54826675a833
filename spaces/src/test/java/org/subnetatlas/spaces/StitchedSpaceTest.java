package org.subnetatlas.spaces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class StitchedSpaceTest {

  private final StitchedSpace deit = (StitchedSpace) Spaces.get("snnet-deit-tsb");

  private static long macsOf(SearchSpace s, String line) {
    return s.cost(s.parse(line)).macs();
  }

  private static long paramsOf(SearchSpace s, String line) {
    return s.cost(s.parse(line)).params();
  }

  @Test
  void snnetDeitHasSeventyOneConfigurations() {
    assertEquals(71, deit.size().getAsLong());
    List<Arch> all = deit.enumerate().toList();
    assertEquals(71, all.size());
    assertEquals(71, all.stream().map(deit::archId).collect(Collectors.toSet()).size());
    assertEquals(3, all.stream().filter(a -> ((StitchArch) a).isAnchor()).count());
    // per neighbouring pair: 12 diagonal + 11 + 11 off-diagonal positions of the 2-block window
    assertEquals(34, all.stream().filter(a -> ((StitchArch) a).front() == 0
        && !((StitchArch) a).isAnchor()).count());
    assertEquals(0, all.stream().filter(a -> ((StitchArch) a).front() == 0
        && ((StitchArch) a).back() == 2).count(), "no Ti->B stitch");
    assertEquals(11, deit.stitchLayers(), "one shared stitching layer per window that adds stitches");
  }

  @Test
  void deitAnchorsMatchThePublishedCounts() {
    assertEquals(5_717_416L, paramsOf(deit, "{\"anchor\":\"deit-ti\"}"));
    assertEquals(86_567_656L, paramsOf(deit, "{\"anchor\":\"deit-b\"}"));
    // DeiT-S from timm: 22,050,664
    assertEquals(22_050_664L, paramsOf(deit, "{\"anchor\":\"deit-s\"}"));
    long ti = macsOf(deit, "{\"anchor\":\"deit-ti\"}");
    assertTrue(Math.abs(ti - 1_258_411_200L) <= 0.02 * 1_258_411_200L, "DeiT-Ti MACs " + ti);
  }

  @Test
  void stitchCostIsFrontPlusStitchPlusBack() {
    // Ti blocks 0..3, Linear(192 -> 384) with bias, S blocks 4..11, S norm and head
    String line = "{\"front\":\"deit-ti\",\"front_blocks\":4,\"back\":\"deit-s\",\"back_start\":4}";
    long tiBlock = (paramsOf(deit, "{\"anchor\":\"deit-ti\"}") - tiFixed()) / 12;
    long sBlock = (paramsOf(deit, "{\"anchor\":\"deit-s\"}") - sFixed()) / 12;
    long expected = (3 * 16 * 16 * 192 + 192 + 192 + 197 * 192) + 4 * tiBlock + (192 * 384 + 384)
        + 8 * sBlock + (2 * 384 + 384 * 1000 + 1000);
    assertEquals(expected, paramsOf(deit, line));
    long ti = macsOf(deit, "{\"anchor\":\"deit-ti\"}");
    long s = macsOf(deit, "{\"anchor\":\"deit-s\"}");
    long stitched = macsOf(deit, line);
    assertTrue(stitched > ti && stitched < s, ti + " < " + stitched + " < " + s);
  }

  private static long tiFixed() {
    return (3 * 16 * 16 * 192 + 192 + 192 + 197 * 192) + (2 * 192 + 192 * 1000 + 1000);
  }

  private static long sFixed() {
    return (3 * 16 * 16 * 384 + 384 + 384 + 197 * 384) + (2 * 384 + 384 * 1000 + 1000);
  }

  @Test
  void canonicalEncodingRoundTripsAndIdsAreStable() {
    for (Arch a : deit.enumerate().toList()) {
      String c = deit.canonical(a);
      assertEquals(a, deit.parse(c));
      assertEquals(c, deit.canonical(deit.parse(c)));
    }
    String spaced = "{ \"back_start\": 4, \"back\": \"deit-s\", \"front_blocks\": 4, \"front\": \"deit-ti\" }";
    assertEquals("{\"front\":\"deit-ti\",\"front_blocks\":4,\"back\":\"deit-s\",\"back_start\":4}",
        deit.canonical(deit.parse(spaced)));
    Arch ti = deit.parse("{\"anchor\":\"deit-ti\"}");
    String expectedId = java.util.HexFormat.of().formatHex(sha256(
        "snnet-deit-tsb\n1\n{\"anchor\":\"deit-ti\"}"));
    assertEquals(expectedId, deit.archId(ti));
    SearchSpace tiny = Spaces.get("vit-tiny-family");
    assertNotEquals(deit.archId(ti), tiny.archId(tiny.parse("{\"anchor\":\"vit-32\"}")));
  }

  private static byte[] sha256(String s) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256")
          .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"anchor\":\"deit-l\"}|field \"anchor\": unknown anchor \"deit-l\", expected one of deit-ti, deit-s, deit-b",
      "{\"anchor\":3}|field \"anchor\": expected an anchor name, got NUMBER, expected one of deit-ti, deit-s, deit-b",
      "{\"front\":\"deit-ti\",\"front_blocks\":4,\"back\":\"deit-b\",\"back_start\":4}|field \"back\": \"deit-b\" is not the next larger anchor after \"deit-ti\"; only neighbours are stitched (expected \"deit-s\")",
      "{\"front\":\"deit-s\",\"front_blocks\":4,\"back\":\"deit-ti\",\"back_start\":4}|field \"back\": \"deit-ti\" is not the next larger anchor after \"deit-s\"; only neighbours are stitched (expected \"deit-b\")",
      "{\"front\":\"deit-ti\",\"front_blocks\":2,\"back\":\"deit-s\",\"back_start\":7}|field \"back_start\": front_blocks 2 with back_start 7 is not a stitch of the 2-block sliding window (stride 1)",
      "{\"front\":\"deit-ti\",\"front_blocks\":0,\"back\":\"deit-s\",\"back_start\":0}|field \"front_blocks\": 0 is not in 1..12",
      "{\"front\":\"deit-ti\",\"front_blocks\":4,\"back\":\"deit-s\",\"back_start\":12}|field \"back_start\": 12 is not in 0..11",
      "{\"front\":\"deit-ti\",\"front_blocks\":4.5,\"back\":\"deit-s\",\"back_start\":4}|field \"front_blocks\": expected an int, got 4.5",
      "{\"front\":\"deit-ti\",\"back\":\"deit-s\",\"back_start\":4}|field \"front_blocks\": missing",
      "{\"anchor\":\"deit-ti\",\"back_start\":4}|field \"back_start\": not allowed together with \"anchor\"",
      "{\"ks\":[3]}|field \"ks\": unknown field; a snnet-deit-tsb arch is {\"anchor\":NAME} or {\"front\":NAME,\"front_blocks\":N,\"back\":NAME,\"back_start\":N}",
      "{}|space snnet-deit-tsb: expected field \"anchor\" or \"front\"",
  })
  void badEncodingsSayWhatIsWrong(String line, String message) {
    InvalidArchException e = assertThrows(InvalidArchException.class, () -> deit.parse(line));
    assertEquals(message, e.getMessage());
  }

  @Test
  void notJsonAndForeignArchsAreRejected() {
    assertThrows(InvalidArchException.class, () -> deit.parse("anchor deit-ti"));
    assertThrows(InvalidArchException.class,
        () -> deit.cost(Spaces.get("mbv3-tiny").largest()));
    assertThrows(InvalidArchException.class, () -> deit.cost(new StitchArch(0, 4, 1, 9)));
  }

  @Test
  void withCostAddsMacsAndParams() {
    String out = deit.withCost("{\"anchor\":\"deit-ti\"}");
    assertEquals("{\"anchor\":\"deit-ti\",\"macs\":" + macsOf(deit, "{\"anchor\":\"deit-ti\"}")
        + ",\"params\":5717416}", out);
  }

  @Test
  void tinyFamilyHasThirtyFiveConfigsBetweenItsAnchors() {
    StitchedSpace tiny = (StitchedSpace) Spaces.get("vit-tiny-family");
    assertEquals(3 + 2 * (6 + 5 + 5), tiny.size().getAsLong());
    Set<String> ids = tiny.enumerate().map(tiny::archId).collect(Collectors.toSet());
    assertEquals(35, ids.size());
    assertEquals(tiny.parse("{\"anchor\":\"vit-32\"}"), tiny.smallest());
    // a stitch may run more blocks than an anchor (front 2 blocks, back from block 0)
    long most = tiny.cost(tiny.largest()).macs();
    assertTrue(tiny.configs().stream().allMatch(c -> tiny.cost(c).macs() <= most));
    for (StitchArch a : tiny.configs()) {
      assertEquals(28, tiny.resolution(a));
      if (!a.isAnchor()) {
        int layer = tiny.stitchLayer(a);
        assertTrue(layer >= 0 && layer < tiny.stitchLayers(), a + " layer " + layer);
      }
    }
  }
}
