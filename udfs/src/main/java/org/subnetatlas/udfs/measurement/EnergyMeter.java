package org.subnetatlas.udfs.measurement;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Energy of the timed repeats, from a reading before and one after them. {@link #method()} is what
 * {@code energy_method} stores: {@code nvml}, {@code rapl} or {@code estimated}.
 */
public interface EnergyMeter {

  /**
   * A snapshot in the meter's own terms: one cumulative counter value per zone (RAPL), or the
   * instant itself where the meter integrates sampled power (NVML).
   */
  record Reading(long[] values) {}

  String method();

  Reading read();

  /** Energy between two readings taken {@code seconds} apart, millijoules. */
  double millijoules(Reading before, Reading after, double seconds);

  /**
   * The meter for this machine: NVML when measuring on a GPU and {@code nvidia-smi} answers, RAPL
   * when a package zone under {@code powercap} is readable, otherwise estimated from
   * {@code watts}. {@code preference} {@code auto} picks in that order; {@code nvml}, {@code rapl}
   * or {@code estimated} force one (a forced counter that is not readable is an error).
   */
  static EnergyMeter select(String preference, boolean gpu, double watts) {
    switch (preference) {
      case "estimated":
        return new EstimatedEnergy(watts);
      case "nvml":
        return NvmlEnergy.detect().orElseThrow(() -> new IllegalStateException(
            "energy method nvml: nvidia-smi does not report power.draw here"));
      case "rapl":
        return RaplEnergy.detect(RaplEnergy.POWERCAP).orElseThrow(() -> new IllegalStateException(
            "energy method rapl: no readable package zone under " + RaplEnergy.POWERCAP));
      case "auto":
        if (gpu) {
          var nvml = NvmlEnergy.detect();
          if (nvml.isPresent()) {
            return nvml.get();
          }
        }
        return RaplEnergy.detect(RaplEnergy.POWERCAP).<EnergyMeter>map(r -> r)
            .orElseGet(() -> new EstimatedEnergy(watts));
      default:
        throw new IllegalArgumentException("energy method " + preference
            + " is not one of auto, nvml, rapl, estimated");
    }
  }

  /** Wraps an I/O failure of a counter that was readable when selected. */
  static UncheckedIOException unreadable(String what, IOException e) {
    return new UncheckedIOException(what + ": " + e.getMessage(), e);
  }
}
