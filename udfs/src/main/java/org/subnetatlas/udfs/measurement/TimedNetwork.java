package org.subnetatlas.udfs.measurement;

import ai.djl.Device;
import java.util.Objects;
import java.util.function.IntFunction;
import java.util.function.IntToLongFunction;

/**
 * One network as its family has it timed: all that measure needs from a family, so the protocol,
 * the pairing with {@link ReferenceNet} and the stored row are the same for every family.
 *
 * @param timed what one timed forward is, stored with the rows
 * @param device where the forwards run
 * @param forward a primed forward at a batch size, bound to a fixed input on the device
 * @param peakMemoryBytes analytic peak memory of one forward at a batch size ({@link MemoryModel})
 * @param resources what the forwards hold; closed with this
 */
public record TimedNetwork(String timed, Device device, IntFunction<Forward> forward,
    IntToLongFunction peakMemoryBytes, AutoCloseable resources) implements AutoCloseable {

  public TimedNetwork {
    Objects.requireNonNull(timed, "timed");
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(forward, "forward");
    Objects.requireNonNull(peakMemoryBytes, "peakMemoryBytes");
    Objects.requireNonNull(resources, "resources");
  }

  @Override
  public void close() throws Exception {
    resources.close();
  }
}
