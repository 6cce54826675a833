package org.subnetatlas.spaces;

import static org.subnetatlas.spaces.MbConvSpec.Activation.HSWISH;
import static org.subnetatlas.spaces.MbConvSpec.Activation.RELU;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.subnetatlas.spaces.MbConvSpec.Stage;

/** Small hand-checkable specs. */
final class TestSpecs {
  private TestSpecs() {}

  /** 1 input channel, 2 classes, stem/first block 8, one SE stage of width 8 (stride 2), r = 8. */
  static MbConvSpec handSized() {
    return new MbConvSpec("hand", "1", 1, 2, 8, 8,
        List.of(new Stage(8, 2, RELU, true)),
        2, 16, 16, List.of(3, 5), List.of(2), List.of(1, 2), List.of(8), 4, 8);
  }

  /** Two stages, 2 kernels x 1 expand, depths 1..2, two resolutions: 2 * 6 * 6 = 72 configs. */
  static MbConvSpec enumerable() {
    return new MbConvSpec("enum", "1", 1, 2, 8, 8,
        List.of(new Stage(8, 2, RELU, true), new Stage(16, 1, HSWISH, false)),
        2, 16, 16, List.of(3, 5), List.of(2), List.of(1, 2), List.of(8, 12), 4, 8);
  }

  /** {@code n} archs of {@link SearchSpace#sample} drawn one after another from one stream. */
  static List<Arch> uniformSamples(SearchSpace space, long seed, int n) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Arch> archs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      archs.add(space.sample(random));
    }
    return archs;
  }
}
