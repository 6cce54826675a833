package org.subnetatlas.udfs.measurement;

import java.io.Serializable;

/**
 * How a latency figure is taken: {@code warmup} untimed forwards, then {@code repeats} timed ones,
 * each on a batch of {@code batchSize}, with {@code intraOpThreads} engine threads. Every row that
 * carries a latency carries these four numbers.
 */
public record LatencyProtocol(int warmup, int repeats, int batchSize, int intraOpThreads)
    implements Serializable {

  public LatencyProtocol {
    if (warmup < 0) {
      throw new IllegalArgumentException("latency warm-up must be >= 0, got " + warmup);
    }
    if (repeats < 1) {
      throw new IllegalArgumentException("latency repeats must be >= 1, got " + repeats);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("latency batch size must be >= 1, got " + batchSize);
    }
    if (intraOpThreads < 1) {
      throw new IllegalArgumentException("intra-op threads must be >= 1, got " + intraOpThreads);
    }
  }

  /** The same protocol at another batch size. */
  public LatencyProtocol withBatchSize(int batch) {
    return new LatencyProtocol(warmup, repeats, batch, intraOpThreads);
  }
}
