package org.subnetatlas.spaces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EvolutionSearchTest {

  private static final SearchSpace SPACE = Spaces.get("mbv3-tiny");

  @Test
  void findsTheLargestFeasibleUnderABudgetAndBeatsRandomSampling() {
    long budget = (SPACE.cost(SPACE.largest()).macs() + SPACE.cost(SPACE.smallest()).macs()) / 2;
    // score = MACs: the best feasible arch sits right at the budget
    EvolutionSearch search = new EvolutionSearch(SPACE, a -> SPACE.cost(a).macs(),
        a -> SPACE.cost(a).macs() <= budget, new EvolutionSearch.Settings(20, 30, 0.25, 0.5, 7));
    List<EvolutionSearch.Scored> found = search.run();
    assertTrue(found.stream().allMatch(s -> SPACE.cost(s.arch()).macs() <= budget), "budget broken");
    long bestRandom = 0;
    SplittableRandom rnd = new SplittableRandom(7);
    for (int i = 0; i < search.evaluated(); i++) {
      long m = SPACE.cost(SPACE.sample(rnd)).macs();
      bestRandom = m <= budget ? Math.max(bestRandom, m) : bestRandom;
    }
    assertTrue(found.get(0).score() >= bestRandom,
        "evolution " + found.get(0).score() + " vs random " + bestRandom);
    assertTrue(found.get(0).score() > 0.97 * budget, found.get(0).score() + " of " + budget);
    // same seed, same answer
    List<EvolutionSearch.Scored> again = new EvolutionSearch(SPACE, a -> SPACE.cost(a).macs(),
        a -> SPACE.cost(a).macs() <= budget, new EvolutionSearch.Settings(20, 30, 0.25, 0.5, 7)).run();
    assertEquals(SPACE.canonical(found.get(0).arch()), SPACE.canonical(again.get(0).arch()));
  }

  @Test
  void impossibleBudgetIsAClearError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new EvolutionSearch(SPACE, a -> 0, a -> false,
            new EvolutionSearch.Settings(4, 1, 0.25, 0.5, 1)).run());
    assertTrue(e.getMessage().contains("budget"), e.getMessage());
  }
}
