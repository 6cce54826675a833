package org.subnetatlas.spaces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SpacesTest {

  @Test
  void knowsTheBuiltInSpaces() {
    assertEquals(List.of("mbv3-tiny", "ofa-mbv3", "snnet-deit-tsb", "vit-tiny-family"),
        Spaces.names());
    assertEquals(Spaces.names(), Spaces.all().stream().map(SearchSpace::name).toList());
    for (SearchSpace space : Spaces.all()) {
      assertEquals(space instanceof StitchedSpace ? "stitched" : "supernet", space.family());
      assertFalse(space.description().isBlank());
    }
  }

  @Test
  void unknownSpaceListsKnownOnes() {
    UnknownSpaceException e = assertThrows(UnknownSpaceException.class, () -> Spaces.get("foo"));
    assertEquals("unknown space \"foo\"; known spaces: mbv3-tiny, ofa-mbv3, snnet-deit-tsb, vit-tiny-family", e.getMessage());
  }

  @Test
  void withCostKeepsTheUsersFieldsAndOrder() {
    SearchSpace ofa = Spaces.get("ofa-mbv3");
    String arch = ofa.canonical(ofa.largest());
    String line = "{\"id\":\"a1\"," + arch.substring(1, arch.length() - 1) + ",\"note\":[1]}";
    Cost cost = ofa.cost(ofa.largest());
    String expected = line.substring(0, line.length() - 1)
        + ",\"macs\":" + cost.macs() + ",\"params\":" + cost.params() + "}";
    assertEquals(expected, ofa.withCost(line));
    assertEquals(expected, ofa.withCost(expected), "rerunning replaces the values in place");
  }

  @Test
  void withCostRejectsBadLines() {
    SearchSpace ofa = Spaces.get("ofa-mbv3");
    assertThrows(InvalidArchException.class, () -> ofa.withCost("{\"ks\":[3]}"));
    assertThrows(InvalidArchException.class, () -> ofa.withCost("not json"));
  }

  @Test
  void builtInSupernetSpacesAreTooLargeToEnumerate() {
    for (SearchSpace space : Spaces.all()) {
      if (!space.family().equals("supernet")) {
        continue;
      }
      assertFalse(space.enumerable(), space.name());
      UnsupportedOperationException e =
          assertThrows(UnsupportedOperationException.class, space::enumerate);
      assertTrue(e.getMessage().contains("sample it instead"), e.getMessage());
    }
    assertTrue(Spaces.get("ofa-mbv3").size().isEmpty(), "7371^5 * 25 does not fit in a long");
  }

  @Test
  void smallSpaceEnumeratesEveryCanonicalConfigOnce() {
    SearchSpace space = new MbConvSpace(TestSpecs.enumerable());
    assertEquals(72, space.size().getAsLong());
    assertTrue(space.enumerable());
    List<Arch> all = space.enumerate().toList();
    assertEquals(72, all.size());
    Set<String> ids = all.stream().map(space::archId).collect(Collectors.toSet());
    assertEquals(72, ids.size());
    for (Arch a : all) {
      assertEquals(a, space.parse(space.canonical(a)));
    }
    assertEquals(all.get(0), space.smallest());
  }

  @Test
  void spacesSurviveJavaSerialization() throws Exception {
    SearchSpace ofa = Spaces.get("ofa-mbv3");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(ofa);
      out.writeObject(ofa.largest());
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      SearchSpace copy = (SearchSpace) in.readObject();
      Arch arch = (Arch) in.readObject();
      assertEquals(ofa.cost(ofa.largest()), copy.cost(arch));
    }
  }
}
