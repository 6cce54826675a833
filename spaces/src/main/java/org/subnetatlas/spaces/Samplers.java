package org.subnetatlas.spaces;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The samplers a sample is drawn with. Draw {@code i} depends only on (space, sampler, seed, i),
 * never on which draws come before it or on how draws are split into tasks, so the same settings
 * give the same sample on one core or a cluster. Draw 0 is the largest and draw 1 the smallest
 * arch, so every sample spans the space's extremes. Samplers may draw the same arch more than
 * once; deduplicate on {@link SearchSpace#archId}.
 */
public final class Samplers {

  /** Sampler names accepted by {@link #draw}. */
  public static final List<String> NAMES = List.of("uniform", "stratified");

  /** Number of equal-width MAC bins the stratified sampler cycles through. */
  public static final int STRATA = 10;

  /** Uniform candidates tried per stratified draw before walking towards the bin. */
  static final int UNIFORM_ATTEMPTS = 50;

  /** Longest walk towards a bin, in one-notch moves. */
  static final int WALK_STEPS = 500;

  private Samplers() {}

  /** Lower-case sampler name, validated. */
  public static String samplerName(String raw) {
    String s = raw.toLowerCase(Locale.ROOT);
    requireKnown(s);
    return s;
  }

  /** Throws {@link IllegalArgumentException} naming the known samplers unless {@code sampler} is one. */
  public static void requireKnown(String sampler) {
    if (!NAMES.contains(sampler)) {
      throw new IllegalArgumentException("unknown sampler \"" + sampler + "\"; known samplers: "
          + String.join(", ", NAMES));
    }
  }

  /**
   * Draw {@code index} of a sample. {@code uniform} is {@link SearchSpace#sample} from a stream of
   * its own. {@code stratified} aims draw {@code i} at MAC bin {@code i mod STRATA}, so the sample
   * covers the cost range evenly instead of piling up in the middle as independent uniform choices
   * do: uniform candidates first (unbiased within the bin), then, for bins that uniform draws rarely
   * reach (the extremes), a walk one {@link SearchSpace#neighbour} at a time towards the bin; if
   * neither reaches it, the last candidate.
   *
   * @param bins the space's MAC bins, {@link MacsBins#of} computed once per space
   */
  public static Arch draw(SearchSpace space, MacsBins bins, String sampler, long seed, int index) {
    Objects.requireNonNull(space, "space");
    if (index == 0) {
      return space.largest();
    }
    if (index == 1) {
      return space.smallest();
    }
    SplittableRandom rnd = new SplittableRandom(mix(seed, index));
    if (sampler.equals("uniform")) {
      return space.sample(rnd);
    }
    int stratum = index % STRATA;
    Arch candidate = null;
    for (int attempt = 0; attempt < UNIFORM_ATTEMPTS; attempt++) {
      candidate = space.sample(rnd);
      if (bins.bin(space.cost(candidate).macs()) == stratum) {
        return candidate;
      }
    }
    for (int step = 0; step < WALK_STEPS; step++) {
      int bin = bins.bin(space.cost(candidate).macs());
      if (bin == stratum) {
        return candidate;
      }
      Optional<Arch> next = space.neighbour(candidate, bin < stratum, rnd);
      if (next.isEmpty()) {
        break;
      }
      candidate = next.get();
    }
    return candidate;
  }

  /** {@link #STRATA} equal-width MAC bins between a space's smallest and largest arch. */
  public record MacsBins(long lo, long hi) {
    public static MacsBins of(SearchSpace s) {
      return new MacsBins(s.cost(s.smallest()).macs(), s.cost(s.largest()).macs());
    }

    public int bin(long macs) {
      return macsBin(macs, lo, hi, STRATA);
    }
  }

  /** The bin of {@code macs} among {@code strata} equal-width bins over {@code [min, max]}. */
  public static int macsBin(long macs, long min, long max, int strata) {
    if (macs <= min) {
      return 0;
    }
    if (macs >= max) {
      return strata - 1;
    }
    // (macs - min) * strata fits: MACs of real networks are far below 2^63 / strata.
    return (int) ((macs - min) * strata / (max - min + 1));
  }

  /** SplitMix64 of (seed, index): independent streams per draw. */
  static long mix(long seed, long index) {
    long z = seed * 0x9E3779B97F4A7C15L + index;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
