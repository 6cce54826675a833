package org.subnetatlas.spaces;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * Once-for-All's evolutionary search: a population of random architectures that satisfy a
 * constraint; each iteration keeps the best {@code parentRatio} as parents, adds
 * {@code mutationRatio} mutated parents and fills the rest with crossovers of two parents, every
 * child re-drawn until it satisfies the constraint. Mutation walks a few one-notch
 * {@link SearchSpace#neighbour} steps; crossover takes each stage (depth with its blocks) and the
 * resolution from either parent of an MBConv architecture. Deterministic for a seed.
 */
public final class EvolutionSearch {

  /** OFA's defaults: population 100, 500 iterations, parent ratio 0.25, mutation ratio 0.5. */
  public record Settings(int population, int iterations, double parentRatio, double mutationRatio,
      long seed) {
    public Settings {
      if (population < 4 || iterations < 0 || parentRatio <= 0 || parentRatio >= 1
          || mutationRatio < 0 || parentRatio + mutationRatio > 1) {
        throw new IllegalArgumentException("search settings: population " + population
            + " (>= 4), iterations " + iterations + " (>= 0), parent ratio " + parentRatio
            + " (0..1), mutation ratio " + mutationRatio + " (parent + mutation <= 1)");
      }
    }

    public static Settings ofaDefaults(long seed) {
      return new Settings(100, 500, 0.25, 0.5, seed);
    }
  }

  /** An architecture with its score. */
  public record Scored(Arch arch, double score) {}

  private static final int MAX_TRIES = 500;

  private final SearchSpace space;
  private final ToDoubleFunction<Arch> score;
  private final Predicate<Arch> feasible;
  private final Settings settings;
  private final SplittableRandom rnd;
  private final Map<String, Double> memo = new HashMap<>();

  public EvolutionSearch(SearchSpace space, ToDoubleFunction<Arch> score, Predicate<Arch> feasible,
      Settings settings) {
    this.space = Objects.requireNonNull(space, "space");
    this.score = Objects.requireNonNull(score, "score");
    this.feasible = Objects.requireNonNull(feasible, "feasible");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.rnd = new SplittableRandom(settings.seed());
  }

  /** Distinct architectures scored during the search. */
  public int evaluated() {
    return memo.size();
  }

  /**
   * Runs the search and returns the final population's distinct architectures, best first.
   *
   * @throws IllegalArgumentException when no feasible architecture is found by sampling
   */
  public List<Scored> run() {
    List<Scored> pop = new ArrayList<>();
    for (int i = 0; i < settings.population(); i++) {
      pop.add(scored(randomFeasible()));
    }
    int parents = Math.max(2, (int) Math.round(settings.population() * settings.parentRatio()));
    int mutations = (int) Math.round(settings.population() * settings.mutationRatio());
    for (int it = 0; it < settings.iterations(); it++) {
      pop.sort(Comparator.comparingDouble(Scored::score).reversed());
      List<Scored> next = new ArrayList<>(pop.subList(0, parents));
      for (int i = 0; i < mutations; i++) {
        next.add(scored(childOf(() -> mutate(pop.get(rnd.nextInt(parents)).arch()),
            pop.get(rnd.nextInt(parents)).arch())));
      }
      while (next.size() < settings.population()) {
        Arch a = pop.get(rnd.nextInt(parents)).arch();
        Arch b = pop.get(rnd.nextInt(parents)).arch();
        next.add(scored(childOf(() -> crossover(a, b), a)));
      }
      pop.clear();
      pop.addAll(next);
    }
    Map<String, Scored> distinct = new HashMap<>();
    for (Scored s : pop) {
      distinct.putIfAbsent(space.canonical(s.arch()), s);
    }
    List<Scored> out = new ArrayList<>(distinct.values());
    out.sort(Comparator.comparingDouble(Scored::score).reversed()
        .thenComparing(s -> space.canonical(s.arch())));
    return out;
  }

  private Scored scored(Arch a) {
    return new Scored(a, memo.computeIfAbsent(space.canonical(a), k -> score.applyAsDouble(a)));
  }

  private Arch randomFeasible() {
    for (int i = 0; i < 100 * MAX_TRIES; i++) {
      Arch a = space.sample(rnd);
      if (feasible.test(a)) {
        return a;
      }
    }
    throw new IllegalArgumentException("no architecture of " + space.name()
        + " satisfying the budget found in " + 100 * MAX_TRIES + " random draws");
  }

  private Arch childOf(java.util.function.Supplier<Arch> make, Arch fallback) {
    for (int i = 0; i < MAX_TRIES; i++) {
      Arch c = make.get();
      if (feasible.test(c)) {
        return c;
      }
    }
    return fallback;
  }

  private Arch mutate(Arch a) {
    Arch c = a;
    int steps = 1 + rnd.nextInt(3);
    for (int i = 0; i < steps; i++) {
      Optional<Arch> n = space.neighbour(c, rnd.nextBoolean(), rnd);
      if (n.isPresent()) {
        c = n.get();
      }
    }
    return c;
  }

  private Arch crossover(Arch a, Arch b) {
    if (!(a instanceof MbArch x) || !(b instanceof MbArch y) || !(space instanceof MbConvSpace mb)) {
      return mutate(rnd.nextBoolean() ? a : b);
    }
    int maxDepth = mb.spec().maxDepth();
    int[] ks = x.ks();
    int[] e = x.e();
    int[] d = x.d();
    int[] yks = y.ks();
    int[] ye = y.e();
    int[] yd = y.d();
    for (int s = 0; s < d.length; s++) {
      if (rnd.nextBoolean()) {
        d[s] = yd[s];
        for (int i = s * maxDepth; i < (s + 1) * maxDepth; i++) {
          ks[i] = yks[i];
          e[i] = ye[i];
        }
      }
    }
    return new MbArch(ks, e, d, rnd.nextBoolean() ? x.r() : y.r());
  }
}
