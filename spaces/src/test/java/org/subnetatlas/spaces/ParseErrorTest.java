package org.subnetatlas.spaces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ParseErrorTest {
  private final SearchSpace ofa = Spaces.get("ofa-mbv3");
  private final SearchSpace tiny = Spaces.get("mbv3-tiny");

  private static final String KS = OfaReferenceCostTest.repeat(5, 20);
  private static final String E = OfaReferenceCostTest.repeat(4, 20);
  private static final String D = "[3,3,3,3,3]";

  private String message(SearchSpace space, String line) {
    return assertThrows(InvalidArchException.class, () -> space.parse(line)).getMessage();
  }

  private static String line(String ks, String e, String d, String r) {
    return "{\"ks\":" + ks + ",\"e\":" + e + ",\"d\":" + d + (r == null ? "" : ",\"r\":" + r) + "}";
  }

  @Test
  void validLineParses() {
    assertEquals(224, ofa.resolution(ofa.parse(line(KS, E, D, "224"))));
  }

  @Test
  void wrongLength() {
    assertEquals("field \"ks\": expected 20 ints, got 19",
        message(ofa, line(OfaReferenceCostTest.repeat(5, 19), E, D, "224")));
    assertEquals("field \"d\": expected 5 ints, got 6",
        message(ofa, line(KS, E, "[3,3,3,3,3,3]", "224")));
  }

  @Test
  void badValues() {
    assertEquals("field \"r\": 130 is not a resolution of ofa-mbv3 (128..224 step 4)",
        message(ofa, line(KS, E, D, "130")));
    assertEquals("field \"e\": element 0 is 5, expected one of 3, 4, 6",
        message(ofa, line(KS, E.replaceFirst("4", "5"), D, "224")));
    assertEquals("field \"d\": element 4 is 5, expected one of 2, 3, 4",
        message(ofa, line(KS, E, "[3,3,3,3,5]", "224")));
    assertEquals("field \"ks\": element 3 is 4, expected one of 3, 5, 7 (or 0: the block is"
        + " inactive)", message(ofa, line(KS.replace("[5,5,5,5", "[5,5,5,4"), E, D, "224")));
    assertEquals("field \"ks\": element 1 is 0, expected one of 3, 5, 7",
        message(ofa, line(KS.replace("[5,5", "[5,0"), E, D, "224")));
    assertEquals("field \"ks\": element 2 is string \"5\", expected an int",
        message(ofa, line(KS.replace("[5,5,5", "[5,5,\"5\""), E, D, "224")));
    assertEquals("field \"r\": expected an int, got number 224.5",
        message(ofa, line(KS, E, D, "224.5")));
    assertEquals("field \"ks\": expected an array of 20 ints, got number 5",
        message(ofa, line("5", E, D, "224")));
  }

  @Test
  void badJson() {
    String msg = message(ofa, "{\"ks\":[3,5");
    assertTrue(msg.startsWith("not a JSON object: {\"ks\":[3,5 ("), msg);
    assertTrue(message(ofa, "[1,2,3]").startsWith("not a JSON object: [1,2,3] (found ARRAY"));
    assertEquals("not a JSON object: empty line", message(ofa, "   "));
    assertTrue(message(ofa, line(KS, E, D, "224") + " x").startsWith("not a JSON object: "));
    assertTrue(message(ofa, "{\"r\":224,\"r\":224}").startsWith("not a JSON object: "),
        "duplicate keys are rejected");
  }

  @Test
  void unknownKey() {
    assertEquals("field \"w\": unknown field; an arch of ofa-mbv3 has ks, e, d, r",
        message(ofa, "{\"ks\":" + KS + ",\"e\":" + E + ",\"d\":" + D + ",\"r\":224,\"w\":1.0}"));
  }

  @Test
  void missingFields() {
    assertEquals("field \"r\": missing; ofa-mbv3 has 25 resolutions (128..224 step 4)",
        message(ofa, line(KS, E, D, null)));
    assertEquals("field \"r\": missing; mbv3-tiny has "
        + BuiltinSpecs.MBV3_TINY.resolutionChoices().size() + " resolutions ("
        + MbArchCodec.describeChoices(BuiltinSpecs.MBV3_TINY.resolutionChoices().stream()
            .mapToInt(Integer::intValue).toArray()) + ")",
        message(tiny, tiny.canonical(tiny.largest()).replaceFirst(",\"r\":\\d+", "")));
    assertEquals("field \"ks\": missing; expected 20 ints",
        message(ofa, "{\"e\":" + E + ",\"d\":" + D + ",\"r\":224}"));
  }

  @Test
  void resolutionMayBeOmittedWhenThereIsOnlyOne() {
    SearchSpace hand = new MbConvSpace(TestSpecs.handSized());
    assertEquals(8, hand.resolution(hand.parse("{\"ks\":[5,3],\"e\":[2,2],\"d\":[2]}")));
  }

  @Test
  void costRejectsArchsBuiltWithBadValues() {
    MbArch bad = new MbArch(new int[20], new int[20], new int[] {2, 2, 2, 2, 2}, 224);
    InvalidArchException e = assertThrows(InvalidArchException.class, () -> ofa.cost(bad));
    assertEquals("field \"ks\": element 0 is 0, expected one of 3, 5, 7", e.getMessage());
    assertThrows(InvalidArchException.class,
        () -> ofa.cost(new MbArch(new int[12], new int[12], new int[3], 224)));
  }
}
