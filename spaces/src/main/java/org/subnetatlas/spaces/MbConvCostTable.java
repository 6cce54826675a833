package org.subnetatlas.spaces;

import java.io.Serializable;
import java.util.List;
import org.subnetatlas.spaces.MbConvSpec.Stage;

/**
 * Per-module MACs and per-block params of an {@link MbConvSpec}, precomputed for every
 * (resolution, block slot, kernel, expand) so that costing an arch is a sum of array lookups.
 *
 * <p>The network and counting convention are Once-for-All's ({@code ofa_mbv3.py}, {@code
 * layers.py} {@code MBConvLayer}, {@code pytorch_modules.py} {@code SEModule} and {@code
 * make_divisible}, {@code flops_counter.py}): a conv costs {@code outH * outW * outC * inC / groups
 * * kH * kW} MACs, a linear layer {@code in * out}; the squeeze-excite 1x1 convs run on a 1x1 input;
 * batch norm, activations and pooling are free. Params are all trainable tensors: conv/linear
 * weights and biases and BN weight + bias. Convs pad {@code k / 2}, so a stride-s conv maps {@code
 * h} to {@code ceil(h / s)}.
 *
 * <p>Two MAC totals: the exact integer sum, and OFA's reported figure. OFA's {@code profile} keeps
 * each module's count in a float32 tensor and sums them in float32 in module order, so above 2^24
 * its total is rounded (e.g. 566,170,688 for the largest ofa-mbv3 net at 224, whose exact sum is
 * 566,170,656). {@link #addBlock} and friends replay that float32 sum step by step.
 */
final class MbConvCostTable implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final int STEM_KERNEL = 3;
  private static final int STEM_STRIDE = 2;
  private static final int FIRST_BLOCK_KERNEL = 3;
  /** Convs of an MBConv block in module order: expand, depthwise, SE reduce, SE expand, project. */
  private static final int OPS_PER_BLOCK = 5;

  private final int choicesPerSlot; // kernels * expands
  private final int expandCount;
  /** [resolution] → float32 running sum after stem and first block (OFA order). */
  private final float[] headOfa;
  /** [resolution] → final expand, feature mix and classifier MACs, as float32. */
  private final float[][] tailOfa;
  /** [resolution] → exact MACs of stem, first block, final expand, feature mix, classifier. */
  private final long[] fixedExact;
  /** [resolution][(slot * choicesPerSlot + choice) * OPS_PER_BLOCK + module], float32. */
  private final float[][] blockOfa;
  /** [resolution][slot * choicesPerSlot + choice]. */
  private final long[][] blockExact;
  private final long fixedParams;
  /** [slot * choicesPerSlot + choice]. */
  private final long[] blockParams;

  MbConvCostTable(MbConvSpec spec) {
    List<Integer> kernels = spec.kernelChoices();
    List<Integer> expands = spec.expandChoices();
    List<Integer> resolutions = spec.resolutionChoices();
    List<Stage> stages = spec.stages();
    int maxDepth = spec.maxDepth();
    int resolutionCount = resolutions.size();
    expandCount = expands.size();
    choicesPerSlot = kernels.size() * expandCount;
    headOfa = new float[resolutionCount];
    tailOfa = new float[resolutionCount][];
    fixedExact = new long[resolutionCount];
    blockOfa = new float[resolutionCount][spec.blockSlots() * choicesPerSlot * OPS_PER_BLOCK];
    blockExact = new long[resolutionCount][spec.blockSlots() * choicesPerSlot];
    blockParams = new long[spec.blockSlots() * choicesPerSlot];

    int stem = spec.stemWidth();
    int first = spec.firstBlockWidth();
    int last = stages.get(stages.size() - 1).width();
    int finalExpand = spec.finalExpandWidth();
    int mix = spec.featureMixWidth();
    fixedParams =
        convParams(spec.inputChannels(), stem, STEM_KERNEL, 1) + bnParams(stem)
            + mbConvParams(stem, stem, first, FIRST_BLOCK_KERNEL, false, spec)
            + convParams(last, finalExpand, 1, 1) + bnParams(finalExpand)
            + convParams(finalExpand, mix, 1, 1)
            + (long) mix * spec.numClasses() + spec.numClasses();

    for (int ri = 0; ri < resolutionCount; ri++) {
      long h = ceilDiv(resolutions.get(ri), STEM_STRIDE);
      long[] head = concat(new long[] {convMacs(h, spec.inputChannels(), stem, STEM_KERNEL, 1)},
          mbConvMacs(h, h, stem, stem, first, FIRST_BLOCK_KERNEL, false, spec));
      int inWidth = first;
      for (int s = 0; s < stages.size(); s++) {
        Stage stage = stages.get(s);
        long hOut = ceilDiv(h, stage.stride());
        for (int b = 0; b < maxDepth; b++) {
          int cIn = b == 0 ? inWidth : stage.width();
          long hIn = b == 0 ? h : hOut;
          int base = (s * maxDepth + b) * choicesPerSlot;
          for (int ki = 0; ki < kernels.size(); ki++) {
            for (int ei = 0; ei < expandCount; ei++) {
              int k = kernels.get(ki);
              int mid = middleChannels(cIn, expands.get(ei), spec);
              int at = base + ki * expandCount + ei;
              long[] ops =
                  mbConvMacs(hIn, hOut, cIn, mid, stage.width(), k, stage.squeezeExcite(), spec);
              for (int m = 0; m < OPS_PER_BLOCK; m++) {
                blockOfa[ri][at * OPS_PER_BLOCK + m] = ops[m];
                blockExact[ri][at] += ops[m];
              }
              blockParams[at] = mbConvParams(cIn, mid, stage.width(), k, stage.squeezeExcite(), spec);
            }
          }
        }
        inWidth = stage.width();
        h = hOut;
      }
      long[] tail = {convMacs(h, last, finalExpand, 1, 1), convMacs(1, finalExpand, mix, 1, 1),
          (long) mix * spec.numClasses()};
      headOfa[ri] = float32Sum(0f, head);
      tailOfa[ri] = new float[tail.length];
      for (int m = 0; m < tail.length; m++) {
        tailOfa[ri][m] = tail[m];
      }
      fixedExact[ri] = sum(head) + sum(tail);
    }
  }

  /** Index of (kernel index, expand index) within a slot's table row. */
  int choice(int kernelIndex, int expandIndex) {
    return kernelIndex * expandCount + expandIndex;
  }

  /** OFA's float32 running MAC sum after the stem and the first block. */
  float headOfa(int resolutionIndex) {
    return headOfa[resolutionIndex];
  }

  /** {@code running} plus one block's convs, added one by one in float32 as OFA does. */
  float addBlock(float running, int resolutionIndex, int slot, int choice) {
    float[] ops = blockOfa[resolutionIndex];
    int at = (slot * choicesPerSlot + choice) * OPS_PER_BLOCK;
    float sum = running;
    for (int m = 0; m < OPS_PER_BLOCK; m++) {
      sum += ops[at + m];
    }
    return sum;
  }

  /** {@code running} plus final expand, feature mix and classifier, in float32. */
  float addTail(float running, int resolutionIndex) {
    float sum = running;
    for (float ops : tailOfa[resolutionIndex]) {
      sum += ops;
    }
    return sum;
  }

  long fixedExact(int resolutionIndex) {
    return fixedExact[resolutionIndex];
  }

  long blockExact(int resolutionIndex, int slot, int choice) {
    return blockExact[resolutionIndex][slot * choicesPerSlot + choice];
  }

  long fixedParams() {
    return fixedParams;
  }

  long blockParams(int slot, int choice) {
    return blockParams[slot * choicesPerSlot + choice];
  }

  /** OFA's {@code make_divisible(round(in * e), divisor)}; an expand ratio of 1 keeps the input. */
  static int middleChannels(int in, int expand, MbConvSpec spec) {
    return expand == 1 ? in : makeDivisible(in * expand, spec.channelDivisor());
  }

  /** OFA's (TF's) {@code make_divisible}: round to the nearest multiple, never down by over 10%. */
  static int makeDivisible(double value, int divisor) {
    int rounded = Math.max(divisor, (int) (value + divisor / 2.0) / divisor * divisor);
    return rounded < 0.9 * value ? rounded + divisor : rounded;
  }

  static int seChannels(int mid, MbConvSpec spec) {
    return makeDivisible(mid / spec.seReduction(), spec.channelDivisor());
  }

  // An MBConv block in module order: 1x1 expand + BN (absent when mid == in: OFA's expand ratio 1),
  // depthwise k x k + BN, SE (1x1 reduce + bias, 1x1 expand + bias) if enabled, 1x1 project + BN.
  private static long[] mbConvMacs(
      long hIn, long hOut, int in, int mid, int out, int k, boolean se, MbConvSpec spec) {
    int seMid = se ? seChannels(mid, spec) : 0;
    return new long[] {
      mid == in ? 0 : convMacs(hIn, in, mid, 1, 1),
      convMacs(hOut, mid, mid, k, mid),
      se ? convMacs(1, mid, seMid, 1, 1) : 0,
      se ? convMacs(1, seMid, mid, 1, 1) : 0,
      convMacs(hOut, mid, out, 1, 1)
    };
  }

  private static long mbConvParams(int in, int mid, int out, int k, boolean se, MbConvSpec spec) {
    long params = mid == in ? 0 : convParams(in, mid, 1, 1) + bnParams(mid);
    params += convParams(mid, mid, k, mid) + bnParams(mid);
    if (se) {
      int seMid = seChannels(mid, spec);
      params += convParams(mid, seMid, 1, 1) + seMid + convParams(seMid, mid, 1, 1) + mid;
    }
    return params + convParams(mid, out, 1, 1) + bnParams(out);
  }

  private static long convMacs(long hOut, int in, int out, int k, int groups) {
    return hOut * hOut * out * (long) (in / groups) * k * k;
  }

  private static long convParams(int in, int out, int k, int groups) {
    return (long) out * (in / groups) * k * k;
  }

  private static long bnParams(int channels) {
    return 2L * channels;
  }

  private static long ceilDiv(long value, int divisor) {
    return (value + divisor - 1) / divisor;
  }

  private static float float32Sum(float start, long[] ops) {
    float sum = start;
    for (long op : ops) {
      sum += op;
    }
    return sum;
  }

  private static long sum(long[] values) {
    long sum = 0;
    for (long v : values) {
      sum += v;
    }
    return sum;
  }

  private static long[] concat(long[] a, long[] b) {
    long[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
