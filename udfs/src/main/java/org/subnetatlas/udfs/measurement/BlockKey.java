package org.subnetatlas.udfs.measurement;

import org.subnetatlas.udfs.nets.Geometry;

/**
 * A lookup-table entry (OFA style): block kind, input/output channels, input side, stride, expand
 * ratio, kernel, squeeze-excite and activation. {@link #id()} is the stored key.
 */
public record BlockKey(String kind, int in, int out, int side, int stride, int expand, int kernel,
    boolean squeezeExcite, String activation) {

  static BlockKey stem(int resolution) {
    return new BlockKey("stem", 0, 0, resolution, 2, 0, 3, false, "HSWISH");
  }

  static BlockKey head(int in, int side) {
    return new BlockKey("head", in, 0, side, 1, 0, 1, false, "HSWISH");
  }

  static BlockKey mbconv(Geometry.Block b, int side, int expand, int kernel) {
    return new BlockKey("mbconv", b.in(), b.out(), side, b.stride(), expand, kernel,
        b.squeezeExcite(), b.activation().name());
  }

  /** e.g. {@code mbconv:in16-out24-side14-s2-e4-k5-se0-RELU}. */
  public String id() {
    return kind + ":in" + in + "-out" + out + "-side" + side + "-s" + stride + "-e" + expand
        + "-k" + kernel + "-se" + (squeezeExcite ? 1 : 0) + "-" + activation;
  }
}
