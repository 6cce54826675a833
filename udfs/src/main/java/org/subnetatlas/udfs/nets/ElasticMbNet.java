package org.subnetatlas.udfs.nets;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.subnetatlas.spaces.MbArch;
import org.subnetatlas.spaces.MbConvSpec;

/**
 * Functional forward pass of any sub-network of an elastic MBConv supernet (OFA MobileNetV3
 * style). Weights are sliced out of {@link SupernetParams} per call into the caller's manager:
 * kernel = centre crop of the largest kernel, expand = first channels, depth = first blocks of a
 * stage. Stateless apart from the parameters, so many threads may run forwards at once.
 */
public final class ElasticMbNet {

  private static final float BN_EPS = 1e-5f;
  private static final Shape S1 = new Shape(1, 1);
  private static final Shape S2 = new Shape(2, 2);
  private static final Shape NO_DILATION = new Shape(1, 1);

  private final MbConvSpec spec;
  private final SupernetParams params;
  private final List<Geometry.Block> blocks;
  private final int maxKernel;
  private final boolean channelsLast;
  /** Dense weight slices kept between forwards, or null to slice per forward. */
  private final NDManager sliceOwner;
  private final Map<String, NDArray> slices;

  public ElasticMbNet(SupernetParams params, boolean channelsLast) {
    this(params, channelsLast, null);
  }

  private ElasticMbNet(SupernetParams params, boolean channelsLast, NDManager sliceOwner) {
    this.params = Objects.requireNonNull(params, "params");
    this.spec = params.spec();
    this.blocks = Geometry.blocks(spec);
    this.maxKernel = Geometry.maxOf(spec.kernelChoices());
    this.channelsLast = channelsLast;
    this.sliceOwner = sliceOwner;
    this.slices = sliceOwner == null ? null : new ConcurrentHashMap<>();
  }

  /**
   * The same network, but each weight slice is cut once into {@code owner} and reused by later
   * forwards: a materialised sub-network whose forward time is not inflated by slicing. The
   * slices live until {@code owner} is closed.
   */
  public ElasticMbNet materialized(NDManager owner) {
    return new ElasticMbNet(params, channelsLast, Objects.requireNonNull(owner, "owner"));
  }

  public boolean channelsLast() {
    return channelsLast;
  }

  public SupernetParams params() {
    return params;
  }

  /**
   * Logits {@code (N, classes)} of sub-network {@code arch} for {@code x} of shape
   * {@code (N, C, r, r)}; every intermediate lands in {@code m} (x must belong to it).
   */
  public NDArray forward(NDManager m, MbArch arch, NDArray x, BnStats bn) {
    NDArray h = stem(m, x, bn);
    for (Geometry.Block b : blocks) {
      if (b.index() >= arch.depth(b.stage())) {
        continue;
      }
      h = block(m, h, b, arch.kernel(b.stage(), b.index(), spec.maxDepth()),
          arch.expand(b.stage(), b.index(), spec.maxDepth()), bn);
    }
    return head(m, h, bn);
  }

  /** Block slots of the supernet, in forward order. */
  public List<Geometry.Block> blocks() {
    return blocks;
  }

  /** Stem convolution and the fixed first block: image {@code (N, C, r, r)} to features. */
  public NDArray stem(NDManager m, NDArray x, BnStats bn) {
    NDArray h = conv(x, params.get("stem.conv"), null, 2, 1, 1);
    h = hswish(bn(m, h, "stem.bn", spec.stemWidth(), bn));
    if (channelsLast) {
      h = toChannelsLast(h);
    }
    NDArray y = conv(h, params.get("first.dw"), null, 1, 1, spec.stemWidth());
    y = Activation.relu(bn(m, y, "first.dw.bn", spec.stemWidth(), bn));
    y = bn(m, conv(y, params.get("first.pw"), null, 1, 0, 1), "first.pw.bn",
        spec.firstBlockWidth(), bn);
    return spec.stemWidth() == spec.firstBlockWidth() ? y.add(h) : y;
  }

  /** Final expansion, pooling, feature mix and classifier: features to logits {@code (N, classes)}. */
  public NDArray head(NDManager m, NDArray h, BnStats bn) {
    h = hswish(bn(m, conv(h, params.get("final.expand"), null, 1, 0, 1), "final.expand.bn",
        spec.finalExpandWidth(), bn));
    h = globalPool(h);
    h = hswish(conv(h, params.get("feature.mix"), null, 1, 0, 1));
    h = h.reshape(h.getShape().get(0), spec.featureMixWidth());
    return Linear.linear(h, params.get("classifier.weight"), params.get("classifier.bias"))
        .singletonOrThrow();
  }

  /** Elastic block slot {@code b} with kernel {@code k} and expand ratio {@code e}. */
  public NDArray block(NDManager m, NDArray x, Geometry.Block b, int k, int e, BnStats bn) {
    if (!spec.kernelChoices().contains(k) || !spec.expandChoices().contains(e)) {
      throw new IllegalArgumentException("block " + b.name() + ": kernel " + k + " / expand " + e
          + " not in " + spec.kernelChoices() + " / " + spec.expandChoices());
    }
    int mid = Geometry.mid(spec, b.in(), e);
    NDArray h = conv(x, slice(m, b.name() + ".expand", ":{}", mid), null, 1, 0, 1);
    h = act(bn(m, h, b.name() + ".expand.bn", mid, bn), b.activation());
    int a = (maxKernel - k) / 2;
    NDArray dw = slice(m, b.name() + ".dw", ":{}, :, {}:{}, {}:{}", mid, a, a + k, a, a + k);
    h = conv(h, dw, null, b.stride(), k / 2, mid);
    h = act(bn(m, h, b.name() + ".dw.bn", mid, bn), b.activation());
    if (b.squeezeExcite()) {
      int se = Geometry.se(spec, mid);
      NDArray s = globalPool(h);
      s = Activation.relu(conv(s, slice(m, b.name() + ".se.reduce", ":{}, :{}", se, mid),
          slice(m, b.name() + ".se.reduce.bias", ":{}", se), 1, 0, 1));
      s = conv(s, slice(m, b.name() + ".se.expand", ":{}, :{}", mid, se),
          slice(m, b.name() + ".se.expand.bias", ":{}", mid), 1, 0, 1);
      h = h.mul(hsigmoid(s));
    }
    h = conv(h, slice(m, b.name() + ".project", ":, :{}", mid), null, 1, 0, 1);
    h = bn(m, h, b.name() + ".project.bn", b.out(), bn);
    return b.residual() ? h.add(x) : h;
  }

  private NDArray slice(NDManager m, String name, String index, Object... args) {
    if (slices != null) {
      return slices.computeIfAbsent(name + "[" + String.format(index.replace("{}", "%s"), args) + "]",
          k -> dense(sliceOwner, name, index, args));
    }
    return dense(m, name, index, args);
  }

  private NDArray dense(NDManager m, String name, String index, Object... args) {
    NDArray v = params.get(name).get(m, new NDIndex(index, args));
    // a crop or inner-axis slice is a strided view; PyTorch's fast conv paths want dense weights,
    // and a reshape that cannot be a view copies (a no-op for views that are already dense)
    return v.getShape().dimension() > 1 ? v.reshape(-1).reshape(v.getShape()) : v;
  }

  private NDArray bn(NDManager m, NDArray x, String layer, int c, BnStats bn) {
    NDArray[] stats = bn.meanVar(layer, c, m);
    NDArray gamma = slice(m, layer + ".gamma", ":{}", c);
    NDArray beta = slice(m, layer + ".beta", ":{}", c);
    return BatchNorm.batchNorm(x, stats[0], stats[1], gamma, beta, 1, bn.momentum(), BN_EPS,
        bn.training()).singletonOrThrow();
  }

  private static NDArray conv(NDArray x, NDArray w, NDArray bias, int stride, int pad, int groups) {
    return Conv2d.conv2d(x, w, bias, stride == 1 ? S1 : new Shape(stride, stride),
        pad == 0 ? new Shape(0, 0) : new Shape(pad, pad), NO_DILATION, groups).singletonOrThrow();
  }

  /**
   * Same logical NCHW tensor, stored NHWC. DJL has no memory-format API; PyTorch keeps the layout
   * through later ops, and its depthwise convolution (forward and backward) is much faster on CPU.
   */
  public static NDArray toChannelsLast(NDArray x) {
    Shape s = x.getShape();
    long n = s.get(0);
    long c = s.get(1);
    long h = s.get(2);
    long w = s.get(3);
    // the flattening reshape cannot be a view of the permuted tensor, so it copies into NHWC
    return x.transpose(0, 2, 3, 1).reshape(n, h * w * c).reshape(n, h, w, c).transpose(0, 3, 1, 2);
  }

  private static NDArray globalPool(NDArray x) {
    // PyTorch's DJL binding reduces one axis per call
    return x.mean(new int[] {3}, true).mean(new int[] {2}, true);
  }

  private static NDArray act(NDArray x, MbConvSpec.Activation a) {
    return a == MbConvSpec.Activation.RELU ? Activation.relu(x) : hswish(x);
  }

  static NDArray hswish(NDArray x) {
    return x.mul(hsigmoid(x));
  }

  static NDArray hsigmoid(NDArray x) {
    return Scalars.div(Scalars.relu6(x.add(3f)), 6);
  }
}
