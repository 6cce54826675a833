package org.subnetatlas.udfs.nets;

import java.util.List;
import java.util.Random;
import org.subnetatlas.spaces.MbArch;
import org.subnetatlas.spaces.MbConvSpec;

/**
 * Sub-networks the trainer samples (largest, smallest, uniform random within the dimensions a
 * training phase opens) and their analytic multiply-accumulate count. Inactive slots hold 0.
 */
public final class Archs {

  /** Which dimensions are elastic; the others stay at their largest value. */
  public record Elastic(boolean kernel, boolean depth, boolean expand, boolean resolution) {
    public static final Elastic NONE = new Elastic(false, false, false, false);
    public static final Elastic ALL = new Elastic(true, true, true, true);
  }

  private Archs() {}

  public static MbArch largest(MbConvSpec spec) {
    return pick(spec, Elastic.NONE, null, false);
  }

  public static MbArch smallest(MbConvSpec spec) {
    return pick(spec, Elastic.ALL, null, true);
  }

  /** Smallest within the elastic dimensions of a phase. */
  public static MbArch smallest(MbConvSpec spec, Elastic elastic) {
    return pick(spec, elastic, null, true);
  }

  /** Uniform random choice per elastic dimension and slot. */
  public static MbArch random(MbConvSpec spec, Elastic elastic, Random rnd) {
    return pick(spec, elastic, rnd, false);
  }

  public static MbArch random(MbConvSpec spec, Random rnd) {
    return random(spec, Elastic.ALL, rnd);
  }

  private static MbArch pick(MbConvSpec spec, Elastic el, Random rnd, boolean min) {
    int nStages = spec.stages().size();
    int[] d = new int[nStages];
    int[] ks = new int[spec.blockSlots()];
    int[] e = new int[spec.blockSlots()];
    for (int s = 0; s < nStages; s++) {
      d[s] = choose(spec.depthChoices(), el.depth(), rnd, min);
      for (int b = 0; b < d[s]; b++) {
        ks[s * spec.maxDepth() + b] = choose(spec.kernelChoices(), el.kernel(), rnd, min);
        e[s * spec.maxDepth() + b] = choose(spec.expandChoices(), el.expand(), rnd, min);
      }
    }
    int r = choose(spec.resolutionChoices(), el.resolution(), rnd, min);
    return new MbArch(ks, e, d, r);
  }

  private static int choose(List<Integer> choices, boolean elastic, Random rnd, boolean min) {
    if (!elastic) {
      return Geometry.maxOf(choices);
    }
    if (rnd == null) {
      return min ? Geometry.minOf(choices) : Geometry.maxOf(choices);
    }
    return choices.get(rnd.nextInt(choices.size()));
  }

  /** Multiply-accumulates of one forward of one image (convolutions, SE, classifier). */
  public static long macs(MbConvSpec spec, MbArch arch) {
    int side = Geometry.out(arch.r(), 2);
    long macs = (long) side * side * spec.stemWidth() * spec.inputChannels() * 9;
    macs += (long) side * side * spec.stemWidth() * 9;
    macs += (long) side * side * spec.firstBlockWidth() * spec.stemWidth();
    int last = spec.firstBlockWidth();
    for (Geometry.Block b : Geometry.blocks(spec)) {
      if (b.index() >= arch.depth(b.stage())) {
        continue;
      }
      int k = arch.kernel(b.stage(), b.index(), spec.maxDepth());
      int mid = Geometry.mid(spec, b.in(), arch.expand(b.stage(), b.index(), spec.maxDepth()));
      macs += (long) side * side * mid * b.in();
      side = Geometry.out(side, b.stride());
      macs += (long) side * side * mid * k * k;
      if (b.squeezeExcite()) {
        macs += 2L * mid * Geometry.se(spec, mid);
      }
      macs += (long) side * side * b.out() * mid;
      last = b.out();
    }
    macs += (long) side * side * spec.finalExpandWidth() * last;
    macs += (long) spec.finalExpandWidth() * spec.featureMixWidth();
    macs += (long) spec.featureMixWidth() * spec.numClasses();
    return macs;
  }
}
