package org.subnetatlas.udfs.measurement;

import org.subnetatlas.spaces.MbArch;
import org.subnetatlas.spaces.MbConvSpec;
import org.subnetatlas.udfs.nets.Geometry;

/**
 * Analytic peak memory of one inference forward, float32: the sub-network's parameters plus the
 * largest activation footprint of any one layer (its input and output, plus the block input a
 * residual connection keeps alive), times the batch size. Engine scratch space (im2col buffers,
 * allocator slack) is not in it.
 */
public final class MemoryModel {

  static final int BYTES = 4;

  private MemoryModel() {}

  public static long peakBytes(MbConvSpec spec, MbArch arch, long params, int batch) {
    return BYTES * (params + (long) batch * largestActivation(spec, arch));
  }

  /** Floats of the largest single-layer footprint for one image. */
  static long largestActivation(MbConvSpec spec, MbArch arch) {
    int r = arch.r();
    int s = Geometry.out(r, 2);
    long in0 = (long) spec.inputChannels() * r * r;
    long stem = (long) spec.stemWidth() * s * s;
    long max = Math.max(in0 + stem, 2 * stem);
    max = Math.max(max, stem + (long) spec.firstBlockWidth() * s * s
        + (spec.stemWidth() == spec.firstBlockWidth() ? stem : 0));
    int last = spec.firstBlockWidth();
    for (Geometry.Block b : Geometry.blocks(spec)) {
      if (b.index() >= arch.depth(b.stage())) {
        continue;
      }
      int mid = Geometry.mid(spec, b.in(), arch.expand(b.stage(), b.index(), spec.maxDepth()));
      int s2 = Geometry.out(s, b.stride());
      long x = (long) b.in() * s * s;
      long keep = b.residual() ? x : 0;
      max = Math.max(max, x + (long) mid * s * s);
      max = Math.max(max, keep + (long) mid * s * s + (long) mid * s2 * s2);
      max = Math.max(max, keep + (long) mid * s2 * s2 + (long) b.out() * s2 * s2);
      s = s2;
      last = b.out();
    }
    long fe = (long) spec.finalExpandWidth() * s * s;
    max = Math.max(max, (long) last * s * s + fe);
    max = Math.max(max, (long) spec.finalExpandWidth() + spec.featureMixWidth());
    return max;
  }
}
