package org.subnetatlas.spaces;

import java.util.Arrays;

/**
 * One sub-network of an {@link MbConvSpec} space, in OFA's own arch-line shape:
 * {@code {"ks":[...],"e":[...],"d":[...],"r":int}}. {@code ks[i]} and {@code e[i]} belong to block
 * slot {@code i = stage * maxDepth + block}; slots past a stage's depth are inactive and hold 0 in
 * the canonical form.
 */
public record MbArch(int[] ks, int[] e, int[] d, int r) implements Arch {

  public MbArch {
    ks = ks.clone();
    e = e.clone();
    d = d.clone();
  }

  @Override
  public int[] ks() {
    return ks.clone();
  }

  @Override
  public int[] e() {
    return e.clone();
  }

  @Override
  public int[] d() {
    return d.clone();
  }

  /** Kernel size of block {@code block} (0-based) of stage {@code stage}. */
  public int kernel(int stage, int block, int maxDepth) {
    return ks[stage * maxDepth + block];
  }

  /** Expand ratio of block {@code block} (0-based) of stage {@code stage}. */
  public int expand(int stage, int block, int maxDepth) {
    return e[stage * maxDepth + block];
  }

  public int depth(int stage) {
    return d[stage];
  }

  /** Whether ks and e have {@code blockSlots} entries and d has {@code stages}; no copying. */
  public boolean hasShape(int blockSlots, int stages) {
    return ks.length == blockSlots && e.length == blockSlots && d.length == stages;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MbArch a
        && r == a.r
        && Arrays.equals(ks, a.ks)
        && Arrays.equals(e, a.e)
        && Arrays.equals(d, a.d);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * (31 * Arrays.hashCode(ks) + Arrays.hashCode(e)) + Arrays.hashCode(d)) + r;
  }

  @Override
  public String toString() {
    return "MbArch{ks=" + Arrays.toString(ks) + ", e=" + Arrays.toString(e) + ", d="
        + Arrays.toString(d) + ", r=" + r + "}";
  }
}
