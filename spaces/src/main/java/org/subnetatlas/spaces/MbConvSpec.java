package org.subnetatlas.spaces;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * Geometry and elastic choices of a MobileNetV3-style (Once-for-All) supernet.
 *
 * <p>Layout, as in OFA's {@code OFAMobileNetV3}: a 3x3 stem conv (stride 2, BN, h-swish), a first
 * MBConv block without expansion ({@code firstBlockWidth}, kernel 3, ReLU), then {@code stages.size()}
 * elastic stages of at most {@code maxDepth} MBConv blocks each, a 1x1 final expand conv (BN,
 * h-swish), global average pooling, a 1x1 feature-mix conv (no BN, h-swish) and a linear classifier.
 * An arch supplies one kernel size and one expand ratio per block slot ({@code stages * maxDepth}
 * entries), one depth per stage and one input resolution.
 */
public record MbConvSpec(
    String name,
    String version,
    int inputChannels,
    int numClasses,
    int stemWidth,
    int firstBlockWidth,
    List<Stage> stages,
    int maxDepth,
    int finalExpandWidth,
    int featureMixWidth,
    List<Integer> kernelChoices,
    List<Integer> expandChoices,
    List<Integer> depthChoices,
    List<Integer> resolutionChoices,
    int seReduction,
    int channelDivisor) implements SpaceSpec, Serializable {

  /** One elastic stage: output width, stride of its first block, activation, squeeze-excite. */
  public record Stage(int width, int stride, Activation activation, boolean squeezeExcite)
      implements Serializable {}

  public enum Activation { RELU, HSWISH }

  public MbConvSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    stages = List.copyOf(stages);
    kernelChoices = List.copyOf(kernelChoices);
    expandChoices = List.copyOf(expandChoices);
    depthChoices = List.copyOf(depthChoices);
    resolutionChoices = List.copyOf(resolutionChoices);
  }

  /** Number of block slots an arch carries kernel/expand entries for. */
  public int blockSlots() {
    return stages.size() * maxDepth;
  }
}
