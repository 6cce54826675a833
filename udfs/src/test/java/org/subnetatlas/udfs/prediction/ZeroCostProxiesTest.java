package org.subnetatlas.udfs.prediction;

import org.subnetatlas.udfs.data.FashionData;
import org.subnetatlas.udfs.nets.Archs;
import org.subnetatlas.udfs.nets.DjlRuntime;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.subnetatlas.spaces.BuiltinSpecs;
import org.subnetatlas.spaces.MbArch;
import org.subnetatlas.spaces.MbConvSpace;
import org.subnetatlas.spaces.MbConvSpec;
import org.subnetatlas.spaces.Spaces;

class ZeroCostProxiesTest {

  private static final MbConvSpec SPEC = BuiltinSpecs.MBV3_TINY;
  private static ZeroCostProxies proxies;

  @BeforeAll
  static void setUp() throws IOException {
    DjlRuntime.setIntraOpThreads(1);
    proxies = new ZeroCostProxies(SPEC, FashionData.load("../data/fashion-mnist"),
        ZeroCostProxies.DEFAULT_SEED, 16);
  }

  @AfterAll
  static void tearDown() {
    proxies.close();
  }

  @Test
  void largerNetworkHasLargerSynflowAndScoresAreRepeatable() {
    MbArch big = Archs.largest(SPEC);
    MbArch small = Archs.smallest(SPEC);
    ZeroCostProxies.Scores a = proxies.score(big);
    ZeroCostProxies.Scores b = proxies.score(small);
    // synflow sums |θ|-weighted path products: more and wider paths give more
    assertTrue(a.synflow() > b.synflow(), a + " vs " + b);
    assertTrue(Double.isFinite(a.snip()) && a.snip() > 0, "snip " + a.snip());
    assertTrue(Double.isFinite(b.gradNorm()) && b.gradNorm() > 0, "grad_norm " + b.gradNorm());
    assertNotEquals(a.snip(), b.snip());
    // gradients are zeroed after each score, so the same arch gives the same numbers again
    ZeroCostProxies.Scores again = proxies.score(big);
    assertEquals(a.synflow(), again.synflow(), 0.0);
    assertEquals(a.snip(), again.snip(), 0.0);
    assertEquals(a.gradNorm(), again.gradNorm(), 0.0);
  }

  @Test
  void synflowIsFiniteForTheArchitectureADemoRunRefused() {
    // a demo run's proxy pass gave this architecture an infinite synflow, which MLlib refused as a
    // feature (the cause was a freed constant read by the backward: see Scalars)
    MbArch arch = new MbArch(new int[] {7, 0, 0, 5, 7, 0, 7, 5, 5}, new int[] {3, 0, 0, 3, 6, 0, 3, 6, 6},
        new int[] {1, 2, 3}, 24);
    ZeroCostProxies.Scores s = proxies.score(arch);
    assertTrue(Double.isFinite(s.synflow()), "synflow " + s.synflow());
    assertTrue(Double.isFinite(s.snip()) && Double.isFinite(s.gradNorm()), s.toString());
  }

  @Test
  void scoresAreUnchangedWhileTheHeapChurns() throws InterruptedException {
    // constants that autograd saves must be owned by PyTorch: DJL's Number overloads alias a
    // direct buffer the JVM frees at its next collection, which turned proxies into NaN or garbage
    // in the demo's busy JVM and, here, whenever collections run between forward and backward
    MbConvSpace space = (MbConvSpace) Spaces.get(SPEC.name());
    SplittableRandom rnd = new SplittableRandom(7);
    List<MbArch> archs = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      archs.add(space.sample(rnd));
    }
    List<ZeroCostProxies.Scores> quiet = archs.stream().map(proxies::score).toList();
    AtomicBoolean stop = new AtomicBoolean();
    Thread churn = new Thread(() -> {
      while (!stop.get()) {
        for (int i = 0; i < 16; i++) {
          ByteBuffer.allocateDirect(1 << 16).put(0, (byte) 0x7f);
        }
        System.gc();
        try {
          Thread.sleep(2);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "heap-churn");
    churn.setDaemon(true);
    churn.start();
    try {
      for (int i = 0; i < archs.size(); i++) {
        ZeroCostProxies.Scores busy = proxies.score(archs.get(i));
        assertEquals(quiet.get(i).synflow(), busy.synflow(), 0.0, archs.get(i).toString());
        assertEquals(quiet.get(i).snip(), busy.snip(), 0.0, archs.get(i).toString());
        assertEquals(quiet.get(i).gradNorm(), busy.gradNorm(), 0.0, archs.get(i).toString());
      }
    } finally {
      stop.set(true);
      churn.join(10_000);
    }
  }

  @Test
  void resolutionOutsideTheSpaceIsRefused() {
    MbArch big = Archs.largest(SPEC);
    MbArch odd = new MbArch(big.ks(), big.e(), big.d(), 17);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> proxies.score(odd));
    assertTrue(e.getMessage().contains("resolution 17"), e.getMessage());
  }
}
