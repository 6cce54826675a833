package org.subnetatlas.udfs.measurement;

import org.subnetatlas.spaces.MbArch;
import org.subnetatlas.spaces.MbConvSpec;
import org.subnetatlas.spaces.StitchArch;
import org.subnetatlas.spaces.VitFamilySpec;
import org.subnetatlas.udfs.nets.Geometry;

/**
 * Analytic peak memory of one inference forward, float32: the sub-network's parameters plus the
 * largest activation footprint of any one layer (its input and output, plus the block input a
 * residual connection keeps alive), times the batch size. Engine scratch space (im2col buffers,
 * allocator slack, layout copies) is not in it. It is the peak of an engine that frees each
 * intermediate once it is consumed; the timed forwards free theirs only when the forward ends.
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

  /** The same for a stitched configuration (see {@link #largestActivation(VitFamilySpec, StitchArch)}). */
  public static long peakBytes(VitFamilySpec spec, StitchArch arch, long params, int batch) {
    return BYTES * (params + (long) batch * largestActivation(spec, arch));
  }

  /**
   * Floats of the largest single-step footprint for one image of a stitched configuration: patch
   * embedding, class token and position embedding of the front anchor, its blocks, the stitching
   * layer, the back anchor's blocks, final norm and head.
   */
  static long largestActivation(VitFamilySpec spec, StitchArch arch) {
    long t = spec.tokens();
    long p = spec.patches();
    long df = spec.anchor(arch.front()).dim();
    long db = spec.anchor(arch.back()).dim();
    long max = (long) spec.inChannels() * spec.imageSize() * spec.imageSize() + df * p;
    max = Math.max(max, df + df * p + df * t);
    max = Math.max(max, 2 * df * t);
    if (arch.frontBlocks() > 0) {
      max = Math.max(max, vitBlock(spec, spec.anchor(arch.front())));
    }
    if (!arch.isAnchor()) {
      max = Math.max(max, t * df + t * db);
      if (arch.backStart() < spec.depth()) {
        max = Math.max(max, vitBlock(spec, spec.anchor(arch.back())));
      }
    }
    max = Math.max(max, 2 * t * db);
    return Math.max(max, db + spec.numClasses());
  }

  /**
   * A block's largest step: through attention the block input and q, k, v stay alive beside the
   * score maps (one map in and one out at the scale and the softmax; probabilities and output at
   * the product with v); through the MLP the residual sum stays alive beside the hidden layer.
   */
  private static long vitBlock(VitFamilySpec spec, VitFamilySpec.Anchor anchor) {
    long t = spec.tokens();
    long d = anchor.dim();
    long maps = (long) anchor.heads() * t * t;
    long hidden = (long) spec.mlpRatio() * d * t;
    long attention = Math.max(4 * t * d + 2 * maps, 5 * t * d + maps);
    long mlp = Math.max(t * d + 2 * hidden, 2 * t * d + hidden);
    return Math.max(attention, mlp);
  }
}
