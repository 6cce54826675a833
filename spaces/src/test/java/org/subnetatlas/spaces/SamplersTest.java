package org.subnetatlas.spaces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SamplersTest {

  private static List<String> ids(SearchSpace space, java.util.stream.Stream<Arch> archs, int n) {
    return archs.limit(n).map(space::archId).collect(Collectors.toList());
  }

  @ParameterizedTest
  @ValueSource(strings = {"ofa-mbv3", "mbv3-tiny"})
  void uniformIsDeterministicPerSeed(String name) {
    SearchSpace space = Spaces.get(name);
    List<String> a = ids(space, Samplers.uniform(space, 42), 200);
    assertEquals(a, ids(space, Samplers.uniform(space, 42), 200));
    assertNotEquals(a, ids(space, Samplers.uniform(space, 43), 200));
  }

  @ParameterizedTest
  @ValueSource(strings = {"ofa-mbv3", "mbv3-tiny"})
  void stratifiedIsDeterministicPerSeed(String name) {
    SearchSpace space = Spaces.get(name);
    List<String> a = ids(space, Samplers.stratifiedByMacs(space, 7, 10), 100);
    assertEquals(a, ids(space, Samplers.stratifiedByMacs(space, 7, 10), 100));
    assertNotEquals(a, ids(space, Samplers.stratifiedByMacs(space, 8, 10), 100));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 5, 10, 40})
  void stratifiedCoversEveryBinRoundRobin(int strata) {
    // stitched families have fewer configurations than the largest strata counts
    for (SearchSpace space : Spaces.all().stream().filter(s -> s.family().equals("supernet")).toList()) {
      long min = space.cost(space.smallest()).macs();
      long max = space.cost(space.largest()).macs();
      List<Integer> bins = Samplers.stratifiedByMacs(space, 1, strata).limit(3L * strata)
          .map(a -> Samplers.macsBin(space.cost(a).macs(), min, max, strata))
          .collect(Collectors.toList());
      Set<Integer> covered = new TreeSet<>(bins);
      assertEquals(strata, covered.size(), space.name() + " bins " + bins);
      for (int i = 0; i < bins.size(); i++) {
        assertEquals(i % strata, bins.get(i), space.name() + " round-robin order " + bins);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ofa-mbv3", "mbv3-tiny"})
  void uniformSamplesAreCanonicalAndValid(String name) {
    SearchSpace space = Spaces.get(name);
    Samplers.uniform(space, 3).limit(500).forEach(a -> {
      assertEquals(a, space.parse(space.canonical(a)));
      assertTrue(space.cost(a).macs() > 0);
    });
  }

  @org.junit.jupiter.api.Test
  void strataOutOfRangeIsRejected() {
    SearchSpace space = Spaces.get("mbv3-tiny");
    assertThrows(IllegalArgumentException.class, () -> Samplers.stratifiedByMacs(space, 1, 0));
  }
}
