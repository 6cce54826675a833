package org.subnetatlas.spaces;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * The elastic choices of an {@link MbConvSpec} as sorted int lists, with value-to-index lookups
 * that allocate nothing, so cost and validation can run per arch without boxing.
 */
final class MbConvChoices implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int[] kernels;
  private final int[] expands;
  private final int[] depths;
  private final int[] resolutions;
  // value → index in its choice list, -1 when not a choice; sized max choice + 1.
  private final int[] kernelIndex;
  private final int[] expandIndex;
  private final int[] depthIndex;
  private final int[] resolutionIndex;

  MbConvChoices(MbConvSpec spec) {
    kernels = sortedChoices("kernelChoices", spec.kernelChoices());
    expands = sortedChoices("expandChoices", spec.expandChoices());
    depths = sortedChoices("depthChoices", spec.depthChoices());
    resolutions = sortedChoices("resolutionChoices", spec.resolutionChoices());
    if (maxDepth() > spec.maxDepth()) {
      throw new IllegalArgumentException(
          spec.name() + ": depth choice " + maxDepth() + " > maxDepth " + spec.maxDepth());
    }
    kernelIndex = indexOf(kernels);
    expandIndex = indexOf(expands);
    depthIndex = indexOf(depths);
    resolutionIndex = indexOf(resolutions);
  }

  int[] kernels() {
    return kernels.clone();
  }

  int[] expands() {
    return expands.clone();
  }

  int[] depths() {
    return depths.clone();
  }

  int[] resolutions() {
    return resolutions.clone();
  }

  int kernelCount() {
    return kernels.length;
  }

  int expandCount() {
    return expands.length;
  }

  int depthCount() {
    return depths.length;
  }

  int resolutionCount() {
    return resolutions.length;
  }

  int kernel(int index) {
    return kernels[index];
  }

  int expand(int index) {
    return expands[index];
  }

  int depth(int index) {
    return depths[index];
  }

  int resolution(int index) {
    return resolutions[index];
  }

  int maxKernel() {
    return max(kernels);
  }

  int maxExpand() {
    return max(expands);
  }

  int maxDepth() {
    return max(depths);
  }

  int maxResolution() {
    return max(resolutions);
  }

  /** Index of {@code k} among the kernel choices, or -1. */
  int kernelIndex(int k) {
    return lookup(kernelIndex, k);
  }

  int expandIndex(int e) {
    return lookup(expandIndex, e);
  }

  int depthIndex(int d) {
    return lookup(depthIndex, d);
  }

  int resolutionIndex(int r) {
    return lookup(resolutionIndex, r);
  }

  boolean isKernel(int k) {
    return kernelIndex(k) >= 0;
  }

  boolean isExpand(int e) {
    return expandIndex(e) >= 0;
  }

  boolean isDepth(int d) {
    return depthIndex(d) >= 0;
  }

  boolean isResolution(int r) {
    return resolutionIndex(r) >= 0;
  }

  /**
   * Distinct canonical configurations of {@code stages} stages: product over stages of sum over
   * depths d of (kernels x expands)^d, times resolutions; empty if it overflows a long.
   */
  OptionalLong configurations(int stages) {
    try {
      long perBlock = (long) kernels.length * expands.length;
      long total = resolutions.length;
      for (int s = 0; s < stages; s++) {
        long stage = 0;
        for (int d : depths) {
          long configs = 1;
          for (int i = 0; i < d; i++) {
            configs = Math.multiplyExact(configs, perBlock);
          }
          stage = Math.addExact(stage, configs);
        }
        total = Math.multiplyExact(total, stage);
      }
      return OptionalLong.of(total);
    } catch (ArithmeticException tooMany) {
      return OptionalLong.empty();
    }
  }

  static String join(int[] values, String separator) {
    return Arrays.stream(values).mapToObj(String::valueOf).collect(Collectors.joining(separator));
  }

  private static int lookup(int[] index, int value) {
    return value >= 0 && value < index.length ? index[value] : -1;
  }

  private static int[] sortedChoices(String what, List<Integer> choices) {
    if (choices.isEmpty()) {
      throw new IllegalArgumentException(what + " is empty");
    }
    int[] sorted = choices.stream().mapToInt(Integer::intValue).sorted().distinct().toArray();
    if (sorted.length != choices.size() || sorted[0] <= 0) {
      throw new IllegalArgumentException(what + " must be distinct positive ints: " + choices);
    }
    return sorted;
  }

  private static int[] indexOf(int[] sortedChoices) {
    int[] index = new int[max(sortedChoices) + 1];
    Arrays.fill(index, -1);
    for (int i = 0; i < sortedChoices.length; i++) {
      index[sortedChoices[i]] = i;
    }
    return index;
  }

  private static int max(int[] sorted) {
    return sorted[sorted.length - 1];
  }
}
