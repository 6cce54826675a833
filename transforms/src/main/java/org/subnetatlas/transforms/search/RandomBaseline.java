package org.subnetatlas.transforms.search;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import org.subnetatlas.spaces.Arch;
import org.subnetatlas.spaces.SearchSpace;

/**
 * What search is judged against: per budget, as many sub-networks as search reports, drawn
 * uniformly from the space and kept only when they meet the budget search met (as search draws its
 * first population), then measured like the finds. Without it a find's top-1 says nothing about
 * whether the predictor helped: under a generous budget any draw may score as well.
 */
public final class RandomBaseline {

  /** Draws tried before settling for fewer distinct sub-networks than asked. */
  static final int MAX_DRAWS = 50_000;

  private RandomBaseline() {}

  /**
   * The seed of a budget's draws: from search's seed, the build date and the budget, so a rerun for
   * the date draws the same sub-networks and the nights and budgets draw different ones.
   */
  public static long seed(long searchSeed, LocalDate buildDate, long budget) {
    return (31 * searchSeed + buildDate.toEpochDay()) * 31 + budget;
  }

  /**
   * Up to {@code count} distinct sub-networks that satisfy {@code feasible}, in the order drawn
   * with {@code seed}; fewer only when {@link #MAX_DRAWS} draws did not find them.
   */
  public static List<Arch> draw(SearchSpace space, Predicate<Arch> feasible, int count, long seed) {
    // SplittableRandom mixes its seed, so seeds that differ by one give unrelated draws
    SplittableRandom rnd = new SplittableRandom(seed);
    Map<String, Arch> distinct = new LinkedHashMap<>();
    for (int i = 0; i < MAX_DRAWS && distinct.size() < count; i++) {
      Arch a = space.sample(rnd);
      if (feasible.test(a)) {
        distinct.putIfAbsent(space.canonical(a), a);
      }
    }
    return new ArrayList<>(distinct.values());
  }
}
