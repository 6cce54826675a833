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

  /**
   * SN-Net's DeiT family at ImageNet geometry: DeiT-Ti (192 wide, 3 heads), DeiT-S (384, 6),
   * DeiT-B (768, 12); 12 blocks, MLP ratio 4, 224x224 RGB, 16x16 patches, 1000 classes; stitched
   * with a 2-block window, stride 1. For enumeration and analytic cost.
   */
  public static final VitFamilySpec SNNET_DEIT_TSB = new VitFamilySpec(
      "snnet-deit-tsb", "1", 224, 3, 16, 1000, 12, 4,
      List.of(new VitFamilySpec.Anchor("deit-ti", 192, 3), new VitFamilySpec.Anchor("deit-s", 384, 6),
          new VitFamilySpec.Anchor("deit-b", 768, 12)),
      2, 1);

  /**
   * Three small ViT anchors on 28x28 Fashion-MNIST (7x7 patches, 16 patches + class token, 6
   * blocks, 10 classes), widths 32/64/128: trainable and stitchable on two CPU cores.
   */
  public static final VitFamilySpec VIT_TINY_FAMILY = new VitFamilySpec(
      "vit-tiny-family", "1", 28, 1, 7, 10, 6, 4,
      List.of(new VitFamilySpec.Anchor("vit-32", 32, 2), new VitFamilySpec.Anchor("vit-64", 64, 4),
          new VitFamilySpec.Anchor("vit-128", 128, 8)),
      2, 1);

  private BuiltinSpecs() {}
}
