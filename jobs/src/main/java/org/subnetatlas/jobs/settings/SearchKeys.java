package org.subnetatlas.jobs.settings;

import java.util.ArrayList;
import java.util.List;
import org.subnetatlas.jobs.AtlasConfig;
import org.subnetatlas.spaces.EvolutionSearch;
import org.subnetatlas.transforms.BadInputException;

/** Settings of search: the evolution, the budgets and how many finds are measured. */
public final class SearchKeys {

  public static final Setting.Int POPULATION = Setting.ofInt("search.population", 100, 4, 100_000,
      "Population size (OFA: 100).");
  public static final Setting.Int ITERATIONS = Setting.ofInt("search.iterations", 500, 0, 1_000_000,
      "Generations (OFA: 500).");
  public static final Setting.Real PARENT_RATIO = Setting.ofDouble("search.parent-ratio", 0.25, 0.01,
      0.99, "Share of the population kept as parents each generation.");
  public static final Setting.Real MUTATION_RATIO = Setting.ofDouble("search.mutation-ratio", 0.5,
      0.0, 0.99, "Share of each generation made by mutating parents; crossovers fill the rest.");
  public static final Setting.Int64 SEED = Setting.ofLong("search.seed", 20261201L, Long.MIN_VALUE,
      Long.MAX_VALUE, "Seed of the evolution.");
  public static final Setting.Int TOP_K = Setting.ofInt("search.top-k", 3, 1, 1000,
      "Architectures per budget evaluated for real on the test split; as many random ones are"
          + " drawn under the budget as the baseline.");
  public static final Setting.Text BUDGET_FRACTIONS = Setting.ofText("search.macs-budget-fractions",
      "0.5", "MACs budgets as fractions of the largest sub-network's MACs, comma-separated.");
  public static final Setting.Real LATENCY_BUDGET = Setting.ofDouble("search.latency-budget-ms", 0, 0,
      1e9, "Predicted latency_p50_ms budget as well, when a latency predictor exists (0: none).");

  private SearchKeys() {}

  /** The evolution's settings; the two ratios may not sum past 1. */
  public static EvolutionSearch.Settings searchSettings(AtlasConfig c) {
    double parent = PARENT_RATIO.get(c);
    double mutation = MUTATION_RATIO.get(c);
    if (parent + mutation > 1) {
      throw new BadInputException(PARENT_RATIO.key() + " + " + MUTATION_RATIO.key() + " = "
          + (parent + mutation) + ": must be at most 1");
    }
    return new EvolutionSearch.Settings(POPULATION.get(c), ITERATIONS.get(c), parent, mutation,
        SEED.get(c));
  }

  /** The MACs budgets, each a fraction in (0, 1] of the largest sub-network's MACs. */
  public static List<Double> fractions(AtlasConfig c) {
    List<Double> out = new ArrayList<>();
    for (String f : BUDGET_FRACTIONS.get(c).split(",")) {
      double v;
      try {
        v = Double.parseDouble(f.trim());
      } catch (NumberFormatException e) {
        throw new BadInputException(BUDGET_FRACTIONS.key() + " " + f + ": not a number");
      }
      if (!(v > 0 && v <= 1)) {
        throw new BadInputException(BUDGET_FRACTIONS.key() + " " + f + ": must be in (0, 1]");
      }
      out.add(v);
    }
    return out;
  }
}
