package org.subnetatlas.spaces;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Deterministic architecture samplers: the same space, seed and arguments give the same sequence on
 * every JVM. Streams are infinite and sequential; take what you need with {@code limit(n)}. For
 * parallel sampling give each partition its own seed (e.g. {@code seed * 1_000_003L + partition}).
 * Samplers may emit the same arch more than once; deduplicate on {@link SearchSpace#archId}.
 */
public final class Samplers {

  /** Most strata a stratified sampler accepts. */
  public static final int MAX_STRATA = 10_000;

  /** Uniform candidates drawn for one starved bin before walking towards it. */
  static final int DRAWS_PER_PICK = 256;

  /** Candidates kept per bin for later rounds; more are dropped (they are i.i.d., so no bias). */
  static final int KEPT_PER_BIN = 32;

  /** Steps of one directed walk, and walks per pick, before a bin is skipped for a round. */
  static final int WALK_STEPS = 2_000;

  static final int WALKS_PER_PICK = 4;

  private Samplers() {}

  /** {@link SearchSpace#sample} repeatedly from {@code new SplittableRandom(seed)}. */
  public static Stream<Arch> uniform(SearchSpace space, long seed) {
    Objects.requireNonNull(space, "space");
    SplittableRandom random = new SplittableRandom(seed);
    return ordered(new Iterator<>() {
      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public Arch next() {
        return space.sample(random);
      }
    });
  }

  /**
   * Archs that cover the MAC range evenly.
   *
   * <p>The range {@code [macs(smallest), macs(largest)]} is cut into {@code strata} equal-width
   * bins (bin {@code i} holds MACs with {@code (macs - min) * strata / (max - min + 1) == i}). The
   * stream emits one arch per bin in round-robin order 0, 1, ..., strata - 1, 0, 1, .... For the
   * next bin it takes a kept candidate of that bin if there is one; otherwise it draws up to {@value
   * #DRAWS_PER_PICK} candidates with {@link SearchSpace#sample}, keeping those that fall into other
   * bins (at most {@value #KEPT_PER_BIN} per bin). Bins that uniform draws rarely reach (the
   * extremes of the range) are then reached by a directed walk from the last candidate: repeatedly
   * move to a random {@link SearchSpace#neighbour} one notch larger (if below the bin) or smaller
   * (if above), preferring moves that do not jump past the bin. Within a bin, archs found by
   * drawing are uniform samples conditioned on the bin; archs found by walking are not. A bin that
   * no walk reaches (or, for spaces without neighbours, no draw reaches) is skipped in that round.
   *
   * @param strata number of bins, 1..{@value #MAX_STRATA}
   */
  public static Stream<Arch> stratifiedByMacs(SearchSpace space, long seed, int strata) {
    Objects.requireNonNull(space, "space");
    if (strata < 1 || strata > MAX_STRATA) {
      throw new IllegalArgumentException(
          "strata must be in 1.." + MAX_STRATA + ", got " + strata);
    }
    return ordered(new Stratified(space, new SplittableRandom(seed), strata));
  }

  /** The bin of {@code macs} among {@code strata} equal-width bins over {@code [min, max]}. */
  public static int macsBin(long macs, long min, long max, int strata) {
    if (macs <= min) {
      return 0;
    }
    if (macs >= max) {
      return strata - 1;
    }
    // (macs - min) * strata fits: MACs of real networks are far below 2^63 / MAX_STRATA.
    return (int) ((macs - min) * strata / (max - min + 1));
  }

  // Stream.generate would be unordered; these sequences are defined by their order.
  private static Stream<Arch> ordered(Iterator<Arch> iterator) {
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(iterator, Spliterator.ORDERED | Spliterator.NONNULL),
        false);
  }

  private static final class Stratified implements Iterator<Arch> {
    private final SearchSpace space;
    private final SplittableRandom random;
    private final int strata;
    private final long min;
    private final long max;
    private final ArrayDeque<Arch>[] kept;
    private int nextBin;

    @SuppressWarnings("unchecked")
    Stratified(SearchSpace space, SplittableRandom random, int strata) {
      this.space = space;
      this.random = random;
      this.strata = strata;
      this.min = space.cost(space.smallest()).macs();
      this.max = space.cost(space.largest()).macs();
      this.kept = new ArrayDeque[strata];
      for (int i = 0; i < strata; i++) {
        kept[i] = new ArrayDeque<>();
      }
    }

    @Override
    public boolean hasNext() {
      return true;
    }

    @Override
    public Arch next() {
      // A full round of skipped bins would mean the space has a single MAC value per few bins;
      // the smallest arch's bin is always reachable, so this terminates.
      while (true) {
        int bin = nextBin;
        nextBin = (nextBin + 1) % strata;
        Arch arch = pick(bin);
        if (arch != null) {
          return arch;
        }
      }
    }

    private Arch pick(int bin) {
      if (!kept[bin].isEmpty()) {
        return kept[bin].poll();
      }
      Arch last = null;
      for (int i = 0; i < DRAWS_PER_PICK; i++) {
        last = space.sample(random);
        int b = bin(last);
        if (b == bin) {
          return last;
        }
        if (kept[b].size() < KEPT_PER_BIN) {
          kept[b].add(last);
        }
      }
      for (int w = 0; w < WALKS_PER_PICK; w++) {
        Arch found = walk(w == 0 ? last : space.sample(random), bin);
        if (found != null) {
          return found;
        }
      }
      return null;
    }

    private Arch walk(Arch start, int bin) {
      Arch arch = start;
      for (int step = 0; step < WALK_STEPS; step++) {
        int b = bin(arch);
        if (b == bin) {
          return arch;
        }
        boolean larger = b < bin;
        Arch fallback = null;
        Arch chosen = null;
        for (int attempt = 0; attempt < 8 && chosen == null; attempt++) {
          Optional<Arch> next = space.neighbour(arch, larger, random);
          if (next.isEmpty()) {
            return null;
          }
          int nb = bin(next.get());
          if (larger ? nb <= bin : nb >= bin) {
            chosen = next.get();
          } else if (fallback == null) {
            fallback = next.get();
          }
        }
        arch = chosen != null ? chosen : fallback;
      }
      return null;
    }

    private int bin(Arch arch) {
      return macsBin(space.cost(arch).macs(), min, max, strata);
    }
  }
}
