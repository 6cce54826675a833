package org.subnetatlas.udfs.nets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import org.junit.jupiter.api.Test;

class NnpackSwitchTest {

  @Test
  void engineTurnsNnpackOffInLibtorch() {
    DjlRuntime.engine();
    assertTrue(NnpackSwitch.loadedLibrary("libtorch_cpu.so").isPresent(),
        "libtorch_cpu.so is mapped once the engine is up");
    assertEquals("off", NnpackSwitch.apply());
    assertTrue(DjlRuntime.describe().endsWith("NNPACK off"), DjlRuntime.describe());
  }

  @Test
  void pointwiseConvolutionAtBatchOneStillComputesWithNnpackOff() {
    // the case that probed NNPACK: 1x1, stride 1, batch 1, one intra-op thread
    DjlRuntime.inferenceThread(1);
    try (NDManager m = DjlRuntime.engine().newBaseManager()) {
      NDArray x = m.arange(2 * 3 * 3f).reshape(1, 2, 3, 3);
      NDArray w = m.create(new float[] {1, 2, -1, 0.5f, 0, 3}, new Shape(3, 2, 1, 1));
      NDArray y = Conv2d.conv2d(x, w, null, new Shape(1, 1), new Shape(0, 0),
          new Shape(1, 1), 1).singletonOrThrow();
      NDArray expected = w.reshape(3, 2).matMul(x.reshape(2, 9)).reshape(1, 3, 3, 3);
      assertArrayEquals(expected.toFloatArray(), y.toFloatArray(), 1e-5f);
    }
  }

  @Test
  void unknownSettingNamesTheProperty() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NnpackSwitch.applyOnce("maybe"));
    assertEquals("-Datlas.torch.nnpack=maybe is not one of off, on", e.getMessage());
  }
}
