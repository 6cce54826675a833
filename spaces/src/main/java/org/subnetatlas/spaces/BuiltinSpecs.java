package org.subnetatlas.spaces;

import static org.subnetatlas.spaces.MbConvSpec.Activation.HSWISH;
import static org.subnetatlas.spaces.MbConvSpec.Activation.RELU;

import java.util.List;
import java.util.stream.IntStream;
import org.subnetatlas.spaces.MbConvSpec.Stage;

/** The MobileNetV3-family spaces that ship with Subnet Atlas. */
public final class BuiltinSpecs {

  /** Once-for-All's MobileNetV3 space (ofa_mbv3_d234_e346_k357_w1.0), ImageNet geometry. */
  public static final MbConvSpec OFA_MBV3 = new MbConvSpec(
      "ofa-mbv3", "1", 3, 1000, 16, 16,
      List.of(
          new Stage(24, 2, RELU, false),
          new Stage(40, 2, RELU, true),
          new Stage(80, 2, HSWISH, false),
          new Stage(112, 1, HSWISH, true),
          new Stage(160, 2, HSWISH, true)),
      4, 960, 1280,
      List.of(3, 5, 7), List.of(3, 4, 6), List.of(2, 3, 4),
      IntStream.rangeClosed(0, 24).map(i -> 128 + 4 * i).boxed().toList(),
      4, 8);

  /**
   * The same block family scaled to 28x28 grayscale, 10 classes: small enough to train and
   * evaluate on two CPU cores. Resolution is elastic: inputs are resized from 28x28.
   */
  public static final MbConvSpec MBV3_TINY = new MbConvSpec(
      "mbv3-tiny", "1", 1, 10, 16, 16,
      List.of(
          new Stage(24, 2, RELU, false),
          new Stage(40, 2, HSWISH, true),
          new Stage(48, 1, HSWISH, true)),
      3, 192, 384,
      List.of(3, 5, 7), List.of(3, 4, 6), List.of(1, 2, 3),
      List.of(16, 20, 24, 28),
      4, 8);

  private BuiltinSpecs() {}
}
