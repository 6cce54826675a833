package org.subnetatlas.spaces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Cost structure that holds for any MBConv spec: monotone in every choice, extremes at the ends. */
class CostShapeTest {

  @ParameterizedTest
  @ValueSource(strings = {"ofa-mbv3", "mbv3-tiny"})
  void biggerChoiceMeansMoreMacs(String name) {
    MbConvSpace space = (MbConvSpace) Spaces.get(name);
    MbConvSpec spec = space.spec();
    SplittableRandom random = new SplittableRandom(11);
    int checked = 0;
    for (int n = 0; n < 200; n++) {
      MbArch a = space.sample(random);
      Cost base = space.cost(a);
      for (int s = 0; s < spec.stages().size(); s++) {
        for (int b = 0; b < a.depth(s); b++) {
          int slot = s * spec.maxDepth() + b;
          int[] ks = a.ks();
          Integer k = next(spec.kernelChoices(), ks[slot]);
          if (k != null) {
            ks[slot] = k;
            checked += assertBigger(space, base, new MbArch(ks, a.e(), a.d(), a.r()), true);
          }
          int[] e = a.e();
          Integer x = next(spec.expandChoices(), e[slot]);
          if (x != null) {
            e[slot] = x;
            checked += assertBigger(space, base, new MbArch(a.ks(), e, a.d(), a.r()), true);
          }
        }
        Integer deeper = next(spec.depthChoices(), a.depth(s));
        if (deeper != null) {
          int[] ks = a.ks();
          int[] e = a.e();
          int[] d = a.d();
          for (int b = d[s]; b < deeper; b++) {
            ks[s * spec.maxDepth() + b] = spec.kernelChoices().get(0);
            e[s * spec.maxDepth() + b] = spec.expandChoices().get(0);
          }
          d[s] = deeper;
          checked += assertBigger(space, base, new MbArch(ks, e, d, a.r()), true);
        }
      }
      Integer r = next(spec.resolutionChoices(), a.r());
      if (r != null) {
        checked += assertBigger(space, base, new MbArch(a.ks(), a.e(), a.d(), r), false);
      }
    }
    assertTrue(checked > 1000, "checked " + checked + " moves");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ofa-mbv3", "mbv3-tiny"})
  void largestAndSmallestBoundTwoThousandSamples(String name) {
    SearchSpace space = Spaces.get(name);
    Cost largest = space.cost(space.largest());
    Cost smallest = space.cost(space.smallest());
    TestSpecs.uniformSamples(space, 5, 2_000).stream().map(space::cost).forEach(c -> {
      assertTrue(c.macs() <= largest.macs() && c.macs() >= smallest.macs(), c.toString());
      assertTrue(c.params() <= largest.params() && c.params() >= smallest.params(), c.toString());
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"ofa-mbv3", "mbv3-tiny"})
  void neighboursMoveMacsInTheAskedDirection(String name) {
    SearchSpace space = Spaces.get(name);
    SplittableRandom random = new SplittableRandom(2);
    TestSpecs.uniformSamples(space, 9, 300).forEach(a -> {
      long macs = space.cost(a).macs();
      space.neighbour(a, true, random)
          .ifPresent(up -> assertTrue(space.cost(up).macs() > macs, space.canonical(up)));
      space.neighbour(a, false, random)
          .ifPresent(down -> assertTrue(space.cost(down).macs() < macs, space.canonical(down)));
    });
    assertTrue(space.neighbour(space.largest(), true, random).isEmpty());
    assertTrue(space.neighbour(space.smallest(), false, random).isEmpty());
  }

  private static int assertBigger(MbConvSpace space, Cost base, MbArch bigger, boolean params) {
    Cost cost = space.cost(bigger);
    String what = space.canonical(bigger);
    assertTrue(cost.macs() > base.macs(), "macs not larger: " + what);
    assertTrue(space.exactMacs(bigger) > base.macs() - 64, what);
    if (params) {
      assertTrue(cost.params() > base.params(), "params not larger: " + what);
    } else {
      assertEquals(base.params(), cost.params(), "params depend on resolution: " + what);
    }
    return 1;
  }

  private static Integer next(List<Integer> choices, int value) {
    return choices.stream().filter(c -> c > value).min(Integer::compare).orElse(null);
  }
}
