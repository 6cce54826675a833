package org.subnetatlas.spaces;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/** Walking an {@link MbConvSpace}: one-notch neighbours and full enumeration. */
final class MbArchMoves {
  private static final int KERNEL = 0;
  private static final int EXPAND = 1;
  private static final int DEPTH = 2;
  private static final int RESOLUTION = 3;

  private MbArchMoves() {}

  static Optional<Arch> neighbour(
      MbConvSpace space, MbArch arch, boolean larger, SplittableRandom random) {
    int maxDepth = space.spec().maxDepth();
    int[] kernels = space.choices().kernels();
    int[] expands = space.choices().expands();
    int[] depths = space.choices().depths();
    int[] resolutions = space.choices().resolutions();
    int[] ks = arch.ks();
    int[] e = arch.e();
    int[] d = arch.d();
    int r = arch.r();
    // A move is encoded as type * 2^20 + position.
    int[] moves = new int[2 * ks.length + d.length + 1];
    int count = 0;
    for (int s = 0; s < d.length; s++) {
      for (int b = 0; b < d[s]; b++) {
        int slot = s * maxDepth + b;
        if (canStep(kernels, ks[slot], larger)) {
          moves[count++] = (KERNEL << 20) | slot;
        }
        if (canStep(expands, e[slot], larger)) {
          moves[count++] = (EXPAND << 20) | slot;
        }
      }
      if (canStep(depths, d[s], larger)) {
        moves[count++] = (DEPTH << 20) | s;
      }
    }
    if (canStep(resolutions, r, larger)) {
      moves[count++] = RESOLUTION << 20;
    }
    if (count == 0) {
      return Optional.empty();
    }
    int move = moves[random.nextInt(count)];
    int at = move & ((1 << 20) - 1);
    switch (move >>> 20) {
      case KERNEL -> ks[at] = step(kernels, ks[at], larger);
      case EXPAND -> e[at] = step(expands, e[at], larger);
      case DEPTH -> {
        int newDepth = step(depths, d[at], larger);
        for (int b = Math.min(d[at], newDepth); b < Math.max(d[at], newDepth); b++) {
          ks[at * maxDepth + b] = larger ? kernels[0] : 0;
          e[at * maxDepth + b] = larger ? expands[0] : 0;
        }
        d[at] = newDepth;
      }
      default -> r = step(resolutions, r, larger);
    }
    return Optional.of(new MbArch(ks, e, d, r));
  }

  static Stream<Arch> enumerate(MbConvSpace space) {
    Iterator<Arch> odometer = new Odometer(space);
    return StreamSupport.stream(
        Spliterators.spliterator(odometer, space.size().getAsLong(),
            Spliterator.ORDERED | Spliterator.DISTINCT | Spliterator.NONNULL
                | Spliterator.IMMUTABLE),
        false);
  }

  private static boolean canStep(int[] sorted, int value, boolean larger) {
    return larger ? value < sorted[sorted.length - 1] : value > sorted[0];
  }

  private static int step(int[] sorted, int value, boolean larger) {
    int i = java.util.Arrays.binarySearch(sorted, value);
    return sorted[larger ? i + 1 : i - 1];
  }

  /** Resolution, then depth per stage, then (kernel, expand) per active slot; last digit fastest. */
  private static final class Odometer implements Iterator<Arch> {
    private final int[] kernels;
    private final int[] expands;
    private final int[] depths;
    private final int[] resolutions;
    private final int maxDepth;
    private final int[] depthDigits;
    private final int[] slotDigits; // kernel index * expands + expand index, active slots only
    private int resolutionDigit;

    Odometer(MbConvSpace space) {
      kernels = space.choices().kernels();
      expands = space.choices().expands();
      depths = space.choices().depths();
      resolutions = space.choices().resolutions();
      maxDepth = space.spec().maxDepth();
      depthDigits = new int[space.spec().stages().size()];
      slotDigits = new int[space.spec().blockSlots()];
    }

    @Override
    public boolean hasNext() {
      return resolutionDigit < resolutions.length;
    }

    @Override
    public Arch next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      int[] ks = new int[slotDigits.length];
      int[] e = new int[slotDigits.length];
      int[] d = new int[depthDigits.length];
      for (int s = 0; s < d.length; s++) {
        d[s] = depths[depthDigits[s]];
        for (int b = 0; b < d[s]; b++) {
          int slot = s * maxDepth + b;
          ks[slot] = kernels[slotDigits[slot] / expands.length];
          e[slot] = expands[slotDigits[slot] % expands.length];
        }
      }
      MbArch arch = new MbArch(ks, e, d, resolutions[resolutionDigit]);
      advance(d);
      return arch;
    }

    private void advance(int[] d) {
      int perSlot = kernels.length * expands.length;
      for (int s = d.length - 1; s >= 0; s--) {
        for (int b = d[s] - 1; b >= 0; b--) {
          int slot = s * maxDepth + b;
          if (++slotDigits[slot] < perSlot) {
            return;
          }
          slotDigits[slot] = 0;
        }
      }
      for (int s = depthDigits.length - 1; s >= 0; s--) {
        if (++depthDigits[s] < depths.length) {
          return;
        }
        depthDigits[s] = 0;
      }
      resolutionDigit++;
    }
  }
}
