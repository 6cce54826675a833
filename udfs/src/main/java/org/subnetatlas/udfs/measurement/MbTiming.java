package org.subnetatlas.udfs.measurement;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.subnetatlas.spaces.MbArch;
import org.subnetatlas.spaces.MbConvSpec;
import org.subnetatlas.udfs.nets.BnStats;
import org.subnetatlas.udfs.nets.ElasticMbNet;
import org.subnetatlas.udfs.nets.Geometry;

/**
 * What is timed for an elastic-MBConv sub-network: the inference forward (BN with the supernet's
 * running statistics, eval mode) of the sub-network with inherited weights, materialised once
 * (every weight slice cut into dense arrays before timing, so slicing is not timed), on a fixed
 * random input already on the device; one forward = allocate intermediates in a scratch manager,
 * compute logits, copy them to the host (which also synchronises an asynchronous device), free
 * the intermediates. The same applies to single blocks for the lookup table.
 */
public final class MbTiming implements AutoCloseable {

  /** Stored with the rows: what one timed forward is. */
  public static final String TIMED = "materialised sub-network forward, inherited weights, "
      + "eval-mode BN, input on device, logits copied to host";

  private final ElasticMbNet net;
  private final NDManager owner;
  private final BnStats bn;
  private final MbConvSpec spec;

  /** Materialises slices of {@code supernet} into a new sub-manager of {@code parent}. */
  public MbTiming(ElasticMbNet supernet, NDManager parent) {
    this.owner = parent.newSubManager();
    this.net = supernet.materialized(owner);
    this.spec = supernet.params().spec();
    this.bn = cachedStats(BnStats.shared(supernet.params(), false, 0.9f), owner);
  }

  /** A timed forward of sub-network {@code arch} at batch size {@code batch}. */
  public Forward subnet(MbArch arch, int batch) {
    NDArray x = input(batch, spec.inputChannels(), arch.r(), false);
    Forward f = () -> {
      try (NDManager m = TimedForwards.scratch(owner, x)) {
        net.forward(m, arch, x, bn).toFloatArray();
      }
    };
    return TimedForwards.prime(f);
  }

  /** Sub-network {@code arch} as measure times it; its analytic memory counts {@code params}. */
  public TimedNetwork network(MbArch arch, long params) {
    return new TimedNetwork(TIMED, owner.getDevice(), batch -> subnet(arch, batch),
        batch -> MemoryModel.peakBytes(spec, arch, params, batch), this);
  }

  /** A timed forward of one lookup-table block at batch size {@code batch}. */
  public Forward block(BlockKey key, int batch) {
    NDArray x;
    Forward f;
    switch (key.kind()) {
      case "stem":
        x = input(batch, spec.inputChannels(), key.side(), false);
        f = () -> {
          try (NDManager m = TimedForwards.scratch(owner, x)) {
            sync(net.stem(m, x, bn));
          }
        };
        break;
      case "head":
        x = input(batch, key.in(), key.side(), net.channelsLast());
        f = () -> {
          try (NDManager m = TimedForwards.scratch(owner, x)) {
            net.head(m, x, bn).toFloatArray();
          }
        };
        break;
      default:
        Geometry.Block slot = slotOf(key);
        x = input(batch, key.in(), key.side(), net.channelsLast());
        f = () -> {
          try (NDManager m = TimedForwards.scratch(owner, x)) {
            sync(net.block(m, x, slot, key.kernel(), key.expand(), bn));
          }
        };
    }
    return TimedForwards.prime(f);
  }

  /**
   * The timing harness alone: scratch manager, the one-value host copy of {@link #block}, nothing
   * computed. Its p50 is subtracted from each block's so a sum counts the harness once, not per
   * block.
   */
  public Forward harness() {
    NDArray x = input(1, 1, 1, false);
    return TimedForwards.prime(() -> {
      try (NDManager m = TimedForwards.scratch(owner, x)) {
        sync(x.toType(x.getDataType(), false));
      }
    });
  }

  /** Every lookup-table block of the space, each once. */
  public static List<BlockKey> allBlocks(MbConvSpec spec) {
    Map<String, BlockKey> keys = new LinkedHashMap<>();
    for (int r : spec.resolutionChoices()) {
      keys.putIfAbsent(BlockKey.stem(r).id(), BlockKey.stem(r));
      for (Geometry.Block b : Geometry.blocks(spec)) {
        for (int k : spec.kernelChoices()) {
          for (int e : spec.expandChoices()) {
            BlockKey key = BlockKey.mbconv(b, sideBefore(spec, r, b), e, k);
            keys.putIfAbsent(key.id(), key);
          }
        }
      }
      BlockKey head = head(spec, r);
      keys.putIfAbsent(head.id(), head);
    }
    return List.copyOf(keys.values());
  }

  /** The lookup-table blocks one forward of {@code arch} runs, in order. */
  public static List<BlockKey> blocksOf(MbConvSpec spec, MbArch arch) {
    List<BlockKey> keys = new ArrayList<>();
    keys.add(BlockKey.stem(arch.r()));
    for (Geometry.Block b : Geometry.blocks(spec)) {
      if (b.index() < arch.depth(b.stage())) {
        keys.add(BlockKey.mbconv(b, sideBefore(spec, arch.r(), b),
            arch.expand(b.stage(), b.index(), spec.maxDepth()),
            arch.kernel(b.stage(), b.index(), spec.maxDepth())));
      }
    }
    keys.add(head(spec, arch.r()));
    return keys;
  }

  private static BlockKey head(MbConvSpec spec, int r) {
    int side = Geometry.out(r, 2);
    for (MbConvSpec.Stage st : spec.stages()) {
      side = Geometry.out(side, st.stride());
    }
    return BlockKey.head(spec.stages().get(spec.stages().size() - 1).width(), side);
  }

  /** Spatial side of a block slot's input at resolution {@code r}. */
  static int sideBefore(MbConvSpec spec, int r, Geometry.Block block) {
    int side = Geometry.out(r, 2);
    for (int s = 0; s < block.stage(); s++) {
      side = Geometry.out(side, spec.stages().get(s).stride());
    }
    return side;
  }

  private Geometry.Block slotOf(BlockKey key) {
    return net.blocks().stream()
        .filter(b -> b.in() == key.in() && b.out() == key.out() && b.stride() == key.stride()
            && b.squeezeExcite() == key.squeezeExcite()
            && b.activation().name().equals(key.activation()))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no block slot of " + spec.name()
            + " matches " + key.id()));
  }

  private NDArray input(int batch, int channels, int side, boolean channelsLast) {
    NDArray x = TimedForwards.fixedInput(owner, new Shape(batch, channels, side, side));
    return channelsLast ? ElasticMbNet.toChannelsLast(x) : x;
  }

  private static void sync(NDArray a) {
    // one value to the host: waits for an asynchronous device without copying the whole tensor
    a.get(0).get(0).get(0).get(0).getFloat();
  }

  private static BnStats cachedStats(BnStats shared, NDManager owner) {
    Map<String, NDArray[]> cache = new HashMap<>();
    return new BnStats() {
      @Override
      public synchronized NDArray[] meanVar(String layer, int channels, NDManager m) {
        return cache.computeIfAbsent(layer + ":" + channels,
            k -> shared.meanVar(layer, channels, owner));
      }

      @Override
      public boolean training() {
        return false;
      }

      @Override
      public float momentum() {
        return shared.momentum();
      }
    };
  }

  @Override
  public void close() {
    owner.close();
  }
}
