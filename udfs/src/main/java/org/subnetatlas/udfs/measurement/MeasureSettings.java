package org.subnetatlas.udfs.measurement;

import java.io.Serializable;
import java.util.Objects;

/**
 * Everything an executor needs to measure: the latency protocol (batch size 1 in the nightly
 * build), the throughput batch size, the energy method preference and the device power used when
 * no counter is readable, the device preference, the executor's cores (recorded), and the
 * relative-latency dispersion above which a sub-network is re-measured once and then flagged.
 */
public record MeasureSettings(LatencyProtocol latency, int throughputBatch, String energyMethod,
    double deviceWatts, String device, int executorCores, double relDispersionMax)
    implements Serializable {

  public MeasureSettings {
    Objects.requireNonNull(latency, "latency");
    if (throughputBatch < 1) {
      throw new IllegalArgumentException("throughput batch size must be >= 1, got " + throughputBatch);
    }
    Objects.requireNonNull(energyMethod, "energyMethod");
    Objects.requireNonNull(device, "device");
    if (!(relDispersionMax >= 0) || Double.isInfinite(relDispersionMax)) {
      throw new IllegalArgumentException("relative dispersion bound must be a finite number >= 0,"
          + " got " + relDispersionMax);
    }
  }

  public LatencyProtocol throughput() {
    return latency.withBatchSize(throughputBatch);
  }
}
