package org.subnetatlas.udfs.nets;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

/**
 * Arithmetic with a constant, safe for anything autograd differentiates.
 *
 * <p>DJL's {@code NDArray.mul(Number)}, {@code div(Number)}, {@code minimum(Number)},
 * {@code clip(Number, Number)} and their kin (and so {@code Activation.relu6}) wrap the constant
 * in a tensor over a direct {@code ByteBuffer} (PyTorch {@code from_blob}, without ownership) and
 * close it as soon as the op returns. Autograd keeps that tensor for the backward of mul, div,
 * minimum, maximum, pow and clamp; once the JVM collects the buffer, the backward reads freed
 * memory, and gradients (so training and the zero-cost proxies) become garbage or NaN at random,
 * more often the busier the heap. The constants made here come from {@code NDManager.full}, which
 * PyTorch allocates and owns, so a constant autograd saves stays valid for as long as it is held.
 *
 * <p>Use these instead of the {@code Number} overloads in every forward pass. add and sub do not
 * save the constant and are safe either way.
 */
public final class Scalars {

  private Scalars() {}

  /** A 0-dimensional constant owned by PyTorch, of {@code like}'s type, device and manager. */
  public static NDArray constant(NDArray like, double value) {
    return like.getManager().full(new Shape(), (float) value, like.getDataType());
  }

  public static NDArray mul(NDArray x, double value) {
    try (NDArray c = constant(x, value)) {
      return x.mul(c);
    }
  }

  public static NDArray div(NDArray x, double value) {
    try (NDArray c = constant(x, value)) {
      return x.div(c);
    }
  }

  /** {@code min(relu(x), 6)}. */
  public static NDArray relu6(NDArray x) {
    try (NDArray six = constant(x, 6); NDArray r = Activation.relu(x)) {
      return r.minimum(six);
    }
  }
}
