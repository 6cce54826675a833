package org.subnetatlas.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.subnetatlas.spaces.Arch;
import org.subnetatlas.spaces.SearchSpace;
import org.subnetatlas.spaces.Spaces;

/**
 * Throughput of sampling + costing architectures, single-threaded and with two threads, for a
 * fixed time each. Run with {@code bench/sample-cost.sh [seconds] [space]} or
 * {@code java -cp <spaces jar>:<jackson jars> org.subnetatlas.spaces.bench.SampleCostBenchmark
 * [seconds per run, default 10] [space, default ofa-mbv3]}. Prints archs/minute per mode; the
 * {@code +arch_id} mode also builds the canonical JSON and its SHA-256, as the sampling job does.
 */
public final class SampleCostBenchmark {

  private SampleCostBenchmark() {}

  public static void main(String[] args) throws InterruptedException {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 10;
    SearchSpace space = Spaces.get(args.length > 1 ? args[1] : "ofa-mbv3");
    System.out.printf("space %s, %.1f s per run, %d available processors%n",
        space.name(), seconds, Runtime.getRuntime().availableProcessors());
    run(space, 1, Math.min(seconds, 3), false); // warm-up: let the JIT compile the hot path
    run(space, 1, Math.min(seconds, 3), true);
    for (boolean withId : new boolean[] {false, true}) {
      for (int threads : new int[] {1, 2}) {
        double perMinute = run(space, threads, seconds, withId);
        System.out.printf("%-16s %d thread%s %,15.0f archs/minute%n",
            withId ? "sample+cost+id" : "sample+cost", threads, threads == 1 ? " " : "s",
            perMinute);
      }
    }
  }

  private static double run(SearchSpace space, int threads, double seconds, boolean withId)
      throws InterruptedException {
    AtomicLong done = new AtomicLong();
    AtomicLong sink = new AtomicLong();
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    SplittableRandom root = new SplittableRandom(42);
    List<Thread> workers = new ArrayList<>();
    long start = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      SplittableRandom random = root.split();
      workers.add(new Thread(() -> {
        long count = 0;
        long checksum = 0;
        // check the clock every 1,024 archs so timing stays off the hot path
        while ((count & 1023) != 0 || System.nanoTime() < deadline) {
          Arch arch = space.sample(random);
          checksum += space.cost(arch).macs();
          if (withId) {
            checksum += space.archId(arch).charAt(0);
          }
          count++;
        }
        done.addAndGet(count);
        sink.addAndGet(checksum);
      }, "bench-" + t));
    }
    workers.forEach(Thread::start);
    for (Thread w : workers) {
      w.join();
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    if (sink.get() == 42) {
      System.out.print(""); // keeps the checksum alive
    }
    return done.get() / elapsed * 60;
  }
}
