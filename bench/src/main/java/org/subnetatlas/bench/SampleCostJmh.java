package org.subnetatlas.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.subnetatlas.spaces.Arch;
import org.subnetatlas.spaces.SearchSpace;
import org.subnetatlas.spaces.Spaces;

/**
 * Figure 4 (JMH): architectures sampled and costed (analytic MACs + params) per unit of time, per
 * thread, for each built-in space; also the full canonical encoding and arch_id (sha-256), which
 * the sample stage computes for every row. Run with {@code bench/jmh.sh}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SampleCostJmh {

  @Param({"mbv3-tiny", "ofa-mbv3"})
  public String space;

  private SearchSpace s;
  private SplittableRandom rnd;

  @Setup
  public void setUp() {
    s = Spaces.get(space);
    rnd = new SplittableRandom(20261130L + Thread.currentThread().getId());
  }

  /** Sample one architecture and compute its MACs and params. */
  @Benchmark
  public long sampleAndCost() {
    Arch a = s.sample(rnd);
    return s.cost(a).macs();
  }

  /** The same plus canonical encoding and arch_id, i.e. everything a row of architectures needs. */
  @Benchmark
  public String sampleCostAndId() {
    Arch a = s.sample(rnd);
    s.cost(a);
    return s.archId(a);
  }
}
