package org.subnetatlas.udfs.nets;

import java.util.ArrayList;
import java.util.List;
import org.subnetatlas.spaces.MbConvSpec;

/** Channel geometry of an {@link MbConvSpec} supernet at its largest setting, block by block. */
public final class Geometry {

  /** One elastic MBConv block slot at full size. */
  public record Block(int stage, int index, String name, int in, int out, int stride,
      MbConvSpec.Activation activation, boolean squeezeExcite, int maxMid, int maxSe) {

    public boolean residual() {
      return stride == 1 && in == out;
    }
  }

  private Geometry() {}

  /** All block slots, stage by stage, {@code maxDepth} per stage. */
  public static List<Block> blocks(MbConvSpec spec) {
    List<Block> blocks = new ArrayList<>();
    int in = spec.firstBlockWidth();
    int maxE = spec.expandChoices().stream().mapToInt(Integer::intValue).max().orElseThrow();
    for (int s = 0; s < spec.stages().size(); s++) {
      MbConvSpec.Stage st = spec.stages().get(s);
      for (int b = 0; b < spec.maxDepth(); b++) {
        int blockIn = b == 0 ? in : st.width();
        int mid = mid(spec, blockIn, maxE);
        blocks.add(new Block(s, b, "s" + s + ".b" + b, blockIn, st.width(), b == 0 ? st.stride() : 1,
            st.activation(), st.squeezeExcite(), mid, se(spec, mid)));
      }
      in = st.width();
    }
    return blocks;
  }

  /** Middle (expanded) channels for expand ratio {@code e}, OFA's make_divisible(round(in * e)). */
  public static int mid(MbConvSpec spec, int in, int e) {
    return makeDivisible(in * e, spec.channelDivisor());
  }

  /** Squeeze-excite hidden channels for {@code mid} channels. */
  public static int se(MbConvSpec spec, int mid) {
    return makeDivisible(mid / spec.seReduction(), spec.channelDivisor());
  }

  /** OFA's make_divisible: nearest multiple of {@code divisor}, never below 90% of {@code v}. */
  public static int makeDivisible(double v, int divisor) {
    int nv = Math.max(divisor, (int) (v + divisor / 2.0) / divisor * divisor);
    if (nv < 0.9 * v) {
      nv += divisor;
    }
    return nv;
  }

  public static int maxOf(List<Integer> choices) {
    return choices.stream().mapToInt(Integer::intValue).max().orElseThrow();
  }

  public static int minOf(List<Integer> choices) {
    return choices.stream().mapToInt(Integer::intValue).min().orElseThrow();
  }

  /** Output side of a same-padded conv with an odd kernel. */
  public static int out(int side, int stride) {
    return (side - 1) / stride + 1;
  }
}
