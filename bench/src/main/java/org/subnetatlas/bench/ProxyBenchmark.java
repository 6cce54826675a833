package org.subnetatlas.bench;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.subnetatlas.spaces.MbArch;
import org.subnetatlas.spaces.MbConvSpace;
import org.subnetatlas.spaces.Spaces;
import org.subnetatlas.udfs.nets.DjlRuntime;
import org.subnetatlas.udfs.data.FashionData;
import org.subnetatlas.udfs.prediction.ZeroCostProxies;

/**
 * Milliseconds per sub-network for the three zero-cost proxies (synflow, snip, grad_norm) on
 * random sub-networks of a space, one intra-op thread as in the job. Run with
 * {@code bench/proxies.sh [sub-networks, default 200] [space, default mbv3-tiny] [data dir]}.
 * Prints median, p90 and mean after 10 warm-up sub-networks.
 */
public final class ProxyBenchmark {

  private ProxyBenchmark() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    MbConvSpace space = (MbConvSpace) Spaces.get(args.length > 1 ? args[1] : "mbv3-tiny");
    String data = args.length > 2 ? args[2] : "data/fashion-mnist";
    DjlRuntime.setIntraOpThreads(1);
    SplittableRandom rnd = new SplittableRandom(1);
    try (ZeroCostProxies p = new ZeroCostProxies(space.spec(), FashionData.load(data),
        ZeroCostProxies.DEFAULT_SEED, ZeroCostProxies.DEFAULT_BATCH)) {
      for (int i = 0; i < 10; i++) {
        p.score((MbArch) space.sample(rnd));
      }
      double[] ms = new double[n];
      for (int i = 0; i < n; i++) {
        ms[i] = p.score((MbArch) space.sample(rnd)).millis();
      }
      Arrays.sort(ms);
      System.out.printf("space %s, batch %d, %d sub-networks, %d processors: median %.1f ms, "
              + "p90 %.1f ms, mean %.1f ms per sub-network%n", space.name(), p.batchSize(), n,
          Runtime.getRuntime().availableProcessors(), ms[n / 2], ms[(int) (n * 0.9)],
          Arrays.stream(ms).average().orElse(Double.NaN));
    }
  }
}
