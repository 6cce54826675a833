package org.subnetatlas.spaces;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A stitched model family in the manner of SN-Net (Pan et al., Stitchable Neural Networks, CVPR
 * 2023): the anchors of a {@link VitFamilySpec} on their own, plus every paired stitch between
 * neighbouring anchors (smaller front, larger back; no skipping an anchor, no three-model paths)
 * that SN-Net's sliding window produces. For window positions {@code i = 0, stride, ...} the
 * window holds blocks {@code i..i+window-1}; every pair {@code (j, k)} of blocks in it is a stitch
 * "front runs blocks 0..j, back runs blocks k..depth-1", kept once, in order of first appearance.
 * Stitches of one window share one stitching layer (SN-Net's {@code stitching_layers_mappings}).
 *
 * <p>Encoding: an anchor is {@code {"anchor":"deit-ti"}}; a stitch is {@code
 * {"front":"deit-ti","front_blocks":4,"back":"deit-s","back_start":4}} with {@code front_blocks}
 * the number of front blocks run (j + 1) and {@code back_start} the first back block (k, 0-based).
 * Cost follows fvcore's {@code FlopCountAnalysis}, as SN-Net reports it (see {@link
 * StitchedCostModel}).
 */
public final class StitchedSpace implements SpecifiedSpace<VitFamilySpec, StitchArch>, Serializable {

  /** The {@code family} of every stitched configuration in atlas.architectures. */
  public static final String FAMILY = "stitched";

  private static final long serialVersionUID = 1L;

  private final VitFamilySpec spec;
  private final List<StitchArch> configs;
  /** Per (frontBlocks - 1, backStart): the shared stitching layer of that position, or -1. */
  private final int[][] layerOf;
  private final int stitchLayers;
  private final StitchArchCodec codec;

  public StitchedSpace(VitFamilySpec spec) {
    this.spec = Objects.requireNonNull(spec, "spec");
    codec = new StitchArchCodec(spec);
    int depth = spec.depth();
    layerOf = new int[depth][depth];
    for (int[] row : layerOf) {
      java.util.Arrays.fill(row, -1);
    }
    List<int[]> positions = new ArrayList<>();
    int layer = -1;
    for (int i = 0; i < depth; i += spec.stride()) {
      boolean fresh = false;
      int end = Math.min(depth, i + spec.window());
      for (int j = i; j < end; j++) {
        for (int k = i; k < end; k++) {
          if (layerOf[j][k] < 0) {
            layerOf[j][k] = layer + 1;
            positions.add(new int[] {j, k});
            fresh = true;
          }
        }
      }
      if (fresh) {
        layer++;
      }
    }
    stitchLayers = layer + 1;
    List<StitchArch> all = new ArrayList<>();
    for (int a = 0; a < spec.anchors().size(); a++) {
      all.add(StitchArch.anchor(a, depth));
    }
    for (int a = 0; a + 1 < spec.anchors().size(); a++) {
      for (int[] p : positions) {
        all.add(new StitchArch(a, p[0] + 1, a + 1, p[1]));
      }
    }
    configs = List.copyOf(all);
  }

  @Override
  public VitFamilySpec spec() {
    return spec;
  }

  @Override
  public String family() {
    return FAMILY;
  }

  @Override
  public String description() {
    return String.format("SN-Net stitched ViT family: anchors %s (%d blocks, %dx%d input, %dx%d"
            + " patches, %d classes), neighbour stitches with a %d-block window, stride %d",
        spec.anchors().stream().map(a -> a.name() + " " + a.dim() + "/" + a.heads())
            .collect(Collectors.joining(", ")),
        spec.depth(), spec.imageSize(), spec.imageSize(), spec.patchSize(), spec.patchSize(),
        spec.numClasses(), spec.window(), spec.stride());
  }

  /** Number of stitching layers per neighbouring pair of anchors (shared within a window). */
  public int stitchLayers() {
    return stitchLayers;
  }

  /** The shared stitching layer a stitched config uses (0-based within its anchor pair). */
  public int stitchLayer(StitchArch arch) {
    StitchArch a = check(arch);
    if (a.isAnchor()) {
      throw new IllegalArgumentException("anchor " + spec.anchor(a.front()).name() + " has no stitch");
    }
    return layerOf[a.frontBlocks() - 1][a.backStart()];
  }

  /** Every configuration: the anchors, then each neighbouring pair's stitches in SN-Net order. */
  public List<StitchArch> configs() {
    return configs;
  }

  @Override
  public StitchArch parse(ObjectNode object, boolean ignoreUnknownFields) {
    return codec.parse(this, object, ignoreUnknownFields);
  }

  @Override
  public String canonical(Arch arch) {
    return codec.canonical(check(arch));
  }

  /** The arch as a {@link StitchArch} of this space, or a field-named error. */
  public StitchArch check(Arch arch) {
    if (!(arch instanceof StitchArch a)) {
      throw new InvalidArchException("space " + name() + " expects a StitchArch, got "
          + (arch == null ? "null" : arch.getClass().getName()));
    }
    int n = spec.anchors().size();
    if (a.front() < 0 || a.front() >= n) {
      throw InvalidArchException.field("front", "anchor index " + a.front() + " out of range");
    }
    if (a.back() < 0 || a.back() >= n) {
      throw InvalidArchException.field("back", "anchor index " + a.back() + " out of range");
    }
    int depth = spec.depth();
    if (a.isAnchor()) {
      if (a.frontBlocks() != depth || a.backStart() != depth) {
        throw InvalidArchException.field("front_blocks", "an anchor runs all " + depth + " blocks");
      }
      return a;
    }
    if (a.back() != a.front() + 1) {
      throw InvalidArchException.field("back", "\"" + spec.anchor(a.back()).name()
          + "\" is not the next larger anchor after \"" + spec.anchor(a.front()).name()
          + "\"; only neighbours are stitched"
          + (a.front() + 1 < n ? " (expected \"" + spec.anchor(a.front() + 1).name() + "\")" : ""));
    }
    if (a.frontBlocks() < 1 || a.frontBlocks() > depth) {
      throw InvalidArchException.field("front_blocks", a.frontBlocks() + " is not in 1.." + depth);
    }
    if (a.backStart() < 0 || a.backStart() >= depth) {
      throw InvalidArchException.field("back_start", a.backStart() + " is not in 0.." + (depth - 1));
    }
    if (layerOf[a.frontBlocks() - 1][a.backStart()] < 0) {
      throw InvalidArchException.field("back_start", "front_blocks " + a.frontBlocks()
          + " with back_start " + a.backStart() + " is not a stitch of the " + spec.window()
          + "-block sliding window (stride " + spec.stride() + ")");
    }
    return a;
  }

  @Override
  public Cost cost(Arch arch) {
    return StitchedCostModel.cost(spec, check(arch));
  }

  @Override
  public int resolution(Arch arch) {
    check(arch);
    return spec.imageSize();
  }

  /** Uniform over the configurations, as SN-Net samples one per training step. */
  @Override
  public StitchArch sample(SplittableRandom random) {
    return configs.get(random.nextInt(configs.size()));
  }

  @Override
  public StitchArch largest() {
    return configs.stream().max(java.util.Comparator.comparingLong(c -> cost(c).macs())).orElseThrow();
  }

  @Override
  public StitchArch smallest() {
    return configs.stream().min(java.util.Comparator.comparingLong(c -> cost(c).macs())).orElseThrow();
  }

  @Override
  public OptionalLong size() {
    return OptionalLong.of(configs.size());
  }

  @Override
  public Stream<Arch> enumerate() {
    return configs.stream().map(c -> c);
  }

  @Override
  public String toString() {
    return "StitchedSpace[" + name() + " v" + version() + "]";
  }
}
