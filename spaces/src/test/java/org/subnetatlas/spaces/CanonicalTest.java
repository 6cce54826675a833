package org.subnetatlas.spaces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class CanonicalTest {
  private final SearchSpace ofa = Spaces.get("ofa-mbv3");

  private static final String DEPTH_2 = "{\"d\":[2,2,2,2,2],\"r\":160,"
      + "\"ks\":[3,5,%s,%s, 3,5,7,7, 3,5,%s,3, 7,7,3,3, 5,5,5,5],"
      + "\"e\":[3,4,%s,%s, 3,4,6,6, 3,4,%s,6, 6,6,3,3, 4,4,4,4]}";

  @Test
  void inactiveSlotsDoNotChangeTheArch() {
    Arch zeros = ofa.parse(String.format(DEPTH_2, 0, 0, 0, 0, 0, 0));
    Arch junk = ofa.parse(String.format(DEPTH_2, 7, 5, 3, 6, 4, 3));
    assertEquals(zeros, junk);
    assertEquals(ofa.canonical(zeros), ofa.canonical(junk));
    assertEquals(ofa.archId(zeros), ofa.archId(junk));
    assertEquals(ofa.cost(zeros), ofa.cost(junk));
  }

  @Test
  void canonicalHasFixedKeyOrderNoSpacesAndZeroedSlots() {
    Arch arch = ofa.parse(String.format(DEPTH_2, 7, 7, 7, 6, 6, 6));
    assertEquals("{\"ks\":[3,5,0,0,3,5,0,0,3,5,0,0,7,7,0,0,5,5,0,0],"
        + "\"e\":[3,4,0,0,3,4,0,0,3,4,0,0,6,6,0,0,4,4,0,0],\"d\":[2,2,2,2,2],\"r\":160}",
        ofa.canonical(arch));
    assertEquals(arch, ofa.parse(ofa.canonical(arch)), "canonical form parses back");
  }

  @Test
  void canonicalZeroesInactiveSlotsOfArchsBuiltInCode() {
    int[] ks = new int[20];
    int[] e = new int[20];
    java.util.Arrays.fill(ks, 5);
    java.util.Arrays.fill(e, 4);
    MbArch arch = new MbArch(ks, e, new int[] {2, 3, 4, 2, 2}, 224);
    String canonical = ofa.canonical(arch);
    assertTrue(canonical.startsWith("{\"ks\":[5,5,0,0,5,5,5,0,5,5,5,5,5,5,0,0,5,5,0,0]"),
        canonical);
  }

  @Test
  void archIdIsSha256OfSpaceVersionAndCanonical() throws Exception {
    Arch arch = ofa.largest();
    String text = "ofa-mbv3\n" + ofa.version() + "\n" + ofa.canonical(arch);
    String expected = HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    assertEquals(expected, ofa.archId(arch));
    assertTrue(ofa.archId(arch).matches("[0-9a-f]{64}"));
    assertNotEquals(ofa.archId(ofa.largest()), ofa.archId(ofa.smallest()));
  }

  @Test
  void sameChoicesInAnotherSpaceHaveAnotherId() {
    SearchSpace other = new MbConvSpace(new MbConvSpec("ofa-mbv3-copy", "1", 3, 1000, 16, 16,
        BuiltinSpecs.OFA_MBV3.stages(), 4, 960, 1280, BuiltinSpecs.OFA_MBV3.kernelChoices(),
        BuiltinSpecs.OFA_MBV3.expandChoices(), BuiltinSpecs.OFA_MBV3.depthChoices(),
        BuiltinSpecs.OFA_MBV3.resolutionChoices(), 4, 8));
    assertEquals(ofa.canonical(ofa.largest()), other.canonical(other.largest()));
    assertNotEquals(ofa.archId(ofa.largest()), other.archId(other.largest()));
  }
}
