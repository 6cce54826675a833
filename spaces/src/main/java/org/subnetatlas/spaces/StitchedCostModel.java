package org.subnetatlas.spaces;

/**
 * MACs and params of a stitched configuration, as fvcore's {@code FlopCountAnalysis} counts them
 * (what SN-Net reports): one MAC per weight use in the patch-embedding convolution and every linear
 * layer, the two attention matmuls ({@code q k^T} and {@code attn v}), 5 per element for each
 * LayerNorm with affine parameters, the head on the class token only; softmax, GELU, residual adds
 * and embedding adds are not counted. Params count every parameter the configuration's forward
 * uses, class token and position embedding included.
 */
final class StitchedCostModel {
  private static final long LAYER_NORM_FLOPS_PER_ELEMENT = 5;

  private StitchedCostModel() {}

  /** Cost of an arch already checked against a space of {@code spec}. */
  static Cost cost(VitFamilySpec spec, StitchArch a) {
    int df = spec.anchor(a.front()).dim();
    int db = spec.anchor(a.back()).dim();
    long tokens = spec.tokens();
    long macs = embedMacs(spec, df);
    long params = embedParams(spec, df);
    macs += a.frontBlocks() * blockMacs(spec, df);
    params += a.frontBlocks() * blockParams(spec, df);
    if (!a.isAnchor()) {
      macs += tokens * df * db;
      params += (long) df * db + db;
      int backBlocks = spec.depth() - a.backStart();
      macs += backBlocks * blockMacs(spec, db);
      params += backBlocks * blockParams(spec, db);
    }
    macs += tokens * db * LAYER_NORM_FLOPS_PER_ELEMENT + (long) db * spec.numClasses();
    params += 2L * db + (long) db * spec.numClasses() + spec.numClasses();
    return new Cost(macs, params);
  }

  private static long embedMacs(VitFamilySpec spec, long d) {
    return (long) spec.patches() * spec.inChannels() * spec.patchSize() * spec.patchSize() * d;
  }

  private static long embedParams(VitFamilySpec spec, long d) {
    long patch = (long) spec.inChannels() * spec.patchSize() * spec.patchSize() * d + d;
    return patch + d + spec.tokens() * d;
  }

  private static long blockMacs(VitFamilySpec spec, long d) {
    long t = spec.tokens();
    long hidden = d * spec.mlpRatio();
    return 2 * t * d * LAYER_NORM_FLOPS_PER_ELEMENT // two LayerNorms
        + t * d * 3 * d                               // qkv
        + 2 * t * t * d                               // q k^T and attn v over all heads
        + t * d * d                                   // projection
        + 2 * t * d * hidden;                         // fc1, fc2
  }

  private static long blockParams(VitFamilySpec spec, long d) {
    long hidden = d * spec.mlpRatio();
    return 4 * d + (3 * d * d + 3 * d) + (d * d + d) + (d * hidden + hidden) + (hidden * d + d);
  }
}
