package org.subnetatlas.udfs.measurement;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.subnetatlas.spaces.StitchArch;
import org.subnetatlas.spaces.VitFamilySpec;
import org.subnetatlas.udfs.nets.StitchedVit;

/**
 * What is timed for a stitched configuration: the forward that evaluation scores
 * ({@link StitchedVit#forward}, trained anchors and stitching layers, LayerNorm only), on a fixed
 * random input already on the device; one forward = allocate intermediates in a scratch manager,
 * compute logits, copy them to the host, free the intermediates, as {@link MbTiming} does. The
 * configuration reads the family's arrays directly: nothing is sliced, so nothing is materialised.
 */
public final class StitchTiming implements AutoCloseable {

  /** Stored with the rows: what one timed forward is. */
  public static final String TIMED = "stitched forward, trained weights, LayerNorm only, "
      + "input on device, logits copied to host";

  private final StitchedVit net;
  private final NDManager owner;
  private final VitFamilySpec spec;

  /** Times forwards of {@code family}; inputs live in a new sub-manager of {@code parent}. */
  public StitchTiming(StitchedVit family, NDManager parent) {
    this.net = family;
    this.owner = parent.newSubManager();
    this.spec = family.params().space().spec();
  }

  /** Configuration {@code arch} as measure times it; its analytic memory counts {@code params}. */
  public TimedNetwork network(StitchArch arch, long params) {
    return new TimedNetwork(TIMED, owner.getDevice(), batch -> config(arch, batch),
        batch -> MemoryModel.peakBytes(spec, arch, params, batch), this);
  }

  /** A timed forward of configuration {@code arch} at batch size {@code batch}. */
  public Forward config(StitchArch arch, int batch) {
    NDArray x = TimedForwards.fixedInput(owner,
        new Shape(batch, spec.inChannels(), spec.imageSize(), spec.imageSize()));
    return TimedForwards.prime(() -> {
      try (NDManager m = TimedForwards.scratch(owner, x)) {
        net.forward(m, arch, x, null).toFloatArray();
      }
    });
  }

  @Override
  public void close() {
    owner.close();
  }
}
