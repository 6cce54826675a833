package org.subnetatlas.udfs.nets;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.subnetatlas.spaces.StitchArch;
import org.subnetatlas.spaces.StitchedSpace;
import org.subnetatlas.spaces.VitFamilySpec;

/**
 * Functional forward pass of any configuration of a stitched ViT family (DeiT blocks: pre-norm
 * multi-head self-attention and GELU MLP with residuals). Every intermediate lands in the caller's
 * manager; parameters are only ever the second operand, so nothing attaches to their manager.
 * Stateless apart from the parameters: many threads may run forwards at once.
 */
public final class StitchedVit {

  private static final float LN_EPS = 1e-6f;
  private static final NDIndex CLASS_TOKEN = new NDIndex(":, 0, :");

  private final VitFamilyParams params;
  private final StitchedSpace space;
  private final VitFamilySpec spec;

  public StitchedVit(VitFamilyParams params) {
    this.params = Objects.requireNonNull(params, "params");
    this.space = params.space();
    this.spec = space.spec();
  }

  public VitFamilyParams params() {
    return params;
  }

  /**
   * Logits {@code (N, classes)} of configuration {@code arch} for images {@code (N, C, H, W)}.
   * When {@code used} is not null, the names of the arrays the forward read are added to it.
   */
  public NDArray forward(NDManager m, StitchArch arch, NDArray x, Set<String> used) {
    StitchArch a = space.check(arch);
    NDArray h = embed(m, a.front(), x, used);
    for (int b = 0; b < a.frontBlocks(); b++) {
      h = block(h, a.front(), b, used);
    }
    if (!a.isAnchor()) {
      int layer = space.stitchLayer(a);
      h = Linear.linear(h, p(VitFamilyParams.stitchWeight(a.front(), layer), used),
          p(VitFamilyParams.stitchBias(a.front(), layer), used)).singletonOrThrow();
      for (int b = a.backStart(); b < spec.depth(); b++) {
        h = block(h, a.back(), b, used);
      }
    }
    return head(h, a.back(), used);
  }

  /**
   * Token features of anchor {@code anchor}: element 0 is the embedding (input of block 0),
   * element {@code b + 1} the output of block {@code b}; each {@code (N, tokens, dim)}.
   */
  public List<NDArray> features(NDManager m, int anchor, NDArray x) {
    List<NDArray> out = new ArrayList<>();
    NDArray h = embed(m, anchor, x, null);
    out.add(h);
    for (int b = 0; b < spec.depth(); b++) {
      h = block(h, anchor, b, null);
      out.add(h);
    }
    return out;
  }

  private NDArray embed(NDManager m, int a, NDArray x, Set<String> used) {
    String pre = "a" + a + ".";
    int dim = spec.anchor(a).dim();
    long n = x.getShape().get(0);
    Shape patch = new Shape(spec.patchSize(), spec.patchSize());
    NDArray h = Conv2d.conv2d(x, p(pre + "patch.w", used), p(pre + "patch.b", used), patch,
        new Shape(0, 0), new Shape(1, 1), 1).singletonOrThrow();
    h = h.reshape(n, dim, spec.patches()).transpose(0, 2, 1);
    NDArray cls = m.zeros(new Shape(n, 1, dim)).add(p(pre + "cls", used));
    return concatTokens(cls, h).add(p(pre + "pos", used));
  }

  private static NDArray concatTokens(NDArray a, NDArray b) {
    return ai.djl.ndarray.NDArrays.concat(new NDList(a, b), 1);
  }

  private NDArray block(NDArray x, int a, int b, Set<String> used) {
    String pre = "a" + a + ".b" + b + ".";
    int dim = spec.anchor(a).dim();
    int heads = spec.anchor(a).heads();
    int dh = dim / heads;
    Shape s = x.getShape();
    long n = s.get(0);
    long t = s.get(1);
    NDArray h = norm(x, pre + "ln1", dim, used);
    NDArray qkv = Linear.linear(h, p(pre + "qkv.w", used), p(pre + "qkv.b", used))
        .singletonOrThrow().reshape(n, t, 3, heads, dh).transpose(2, 0, 3, 1, 4);
    NDArray q = qkv.get(0);
    NDArray k = qkv.get(1);
    NDArray v = qkv.get(2);
    NDArray attn = Scalars.mul(q.matMul(k.transpose(0, 1, 3, 2)), 1 / Math.sqrt(dh)).softmax(-1);
    NDArray o = attn.matMul(v).transpose(0, 2, 1, 3).reshape(n, t, dim);
    o = Linear.linear(o, p(pre + "proj.w", used), p(pre + "proj.b", used)).singletonOrThrow();
    NDArray r = x.add(o);
    h = norm(r, pre + "ln2", dim, used);
    h = Activation.gelu(Linear.linear(h, p(pre + "fc1.w", used), p(pre + "fc1.b", used))
        .singletonOrThrow());
    h = Linear.linear(h, p(pre + "fc2.w", used), p(pre + "fc2.b", used)).singletonOrThrow();
    return r.add(h);
  }

  private NDArray head(NDArray x, int a, Set<String> used) {
    String pre = "a" + a + ".";
    NDArray h = norm(x, pre + "norm", spec.anchor(a).dim(), used).get(CLASS_TOKEN);
    return Linear.linear(h, p(pre + "head.w", used), p(pre + "head.b", used)).singletonOrThrow();
  }

  private NDArray norm(NDArray x, String layer, int dim, Set<String> used) {
    return LayerNorm.layerNorm(x, new Shape(dim), p(layer + ".g", used), p(layer + ".b", used),
        LN_EPS).singletonOrThrow();
  }

  private NDArray p(String name, Set<String> used) {
    if (used != null) {
      used.add(name);
    }
    return params.get(name);
  }
}
