package org.subnetatlas.spaces;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * A Once-for-All MobileNetV3-style space defined by an {@link MbConvSpec}; both built-in spaces
 * ({@code ofa-mbv3}, {@code mbv3-tiny}) are instances.
 *
 * <p>Archs are {@link MbArch} values in OFA's own line format {@code
 * {"ks":[...],"e":[...],"d":[...],"r":int}}. A stage of depth {@code d} uses its first {@code d}
 * block slots; the kernel and expand entries of the other slots are inactive and are 0 in the
 * canonical form, so archs that differ only there share one canonical encoding and one arch id.
 *
 * <p>Cost comes from {@link MbConvCostTable}: tables built once here, so {@link #cost} allocates
 * nothing beyond the returned record.
 */
public final class MbConvSpace implements SpecifiedSpace<MbConvSpec, MbArch>, Serializable {
  private static final long serialVersionUID = 1L;

  private final MbConvSpec spec;
  private final MbConvChoices choices;
  private final MbConvCostTable table;

  public MbConvSpace(MbConvSpec spec) {
    this.spec = Objects.requireNonNull(spec, "spec");
    choices = new MbConvChoices(spec);
    table = new MbConvCostTable(spec);
  }

  @Override
  public MbConvSpec spec() {
    return spec;
  }

  @Override
  public String description() {
    return String.format(
        "MobileNetV3 supernet (OFA): %d stages x up to %d MBConv blocks, ks %s, e %s, d %s, r %s,"
            + " %d input channels, %d classes",
        spec.stages().size(), spec.maxDepth(), MbConvChoices.join(choices.kernels(), "/"),
        MbConvChoices.join(choices.expands(), "/"), MbConvChoices.join(choices.depths(), "/"),
        MbArchCodec.describeChoices(choices.resolutions()), spec.inputChannels(),
        spec.numClasses());
  }

  @Override
  public MbArch parse(ObjectNode object, boolean ignoreUnknownFields) {
    return MbArchCodec.parse(this, object, ignoreUnknownFields);
  }

  @Override
  public String canonical(Arch arch) {
    return MbArchCodec.canonicalJson(normalise(arch));
  }

  /**
   * MACs as OFA's {@code count_net_flops} reports them (its float32 sum, see {@link
   * MbConvCostTable}) and the exact parameter count. For the exact integer MAC sum see {@link
   * #exactMacs}; the two differ by at most a few units in 10^7 and only above 2^24 MACs.
   */
  @Override
  public Cost cost(Arch arch) {
    MbArch a = checkShape(arch);
    int ri = checkedResolution(a);
    int maxDepth = spec.maxDepth();
    float macs = table.headOfa(ri);
    long params = table.fixedParams();
    for (int s = 0; s < stageCount(); s++) {
      int depth = checkedDepth(a, s);
      for (int b = 0; b < depth; b++) {
        int slot = s * maxDepth + b;
        int choice = checkedChoice(a, s, b);
        macs = table.addBlock(macs, ri, slot, choice);
        params += table.blockParams(slot, choice);
      }
    }
    return new Cost((long) table.addTail(macs, ri), params);
  }

  /** The exact integer sum of every conv's and linear layer's MACs (no float32 rounding). */
  public long exactMacs(Arch arch) {
    MbArch a = checkShape(arch);
    int ri = checkedResolution(a);
    long macs = table.fixedExact(ri);
    for (int s = 0; s < stageCount(); s++) {
      int depth = checkedDepth(a, s);
      for (int b = 0; b < depth; b++) {
        macs += table.blockExact(ri, s * spec.maxDepth() + b, checkedChoice(a, s, b));
      }
    }
    return macs;
  }

  private int checkedResolution(MbArch a) {
    int ri = choices.resolutionIndex(a.r());
    if (ri < 0) {
      throw MbArchCodec.badResolution(this, a.r());
    }
    return ri;
  }

  private int checkedDepth(MbArch a, int stage) {
    int depth = a.depth(stage);
    if (!choices.isDepth(depth)) {
      throw InvalidArchException.field("d", "element " + stage + " is " + depth
          + ", expected one of " + MbConvChoices.join(choices.depths(), ", "));
    }
    return depth;
  }

  private int checkedChoice(MbArch a, int stage, int block) {
    int maxDepth = spec.maxDepth();
    int ki = choices.kernelIndex(a.kernel(stage, block, maxDepth));
    int ei = choices.expandIndex(a.expand(stage, block, maxDepth));
    if (ki < 0 || ei < 0) {
      throw InvalidArchException.field(ki < 0 ? "ks" : "e", "element " + (stage * maxDepth + block)
          + " is " + (ki < 0 ? a.kernel(stage, block, maxDepth) : a.expand(stage, block, maxDepth))
          + ", expected one of "
          + MbConvChoices.join(ki < 0 ? choices.kernels() : choices.expands(), ", "));
    }
    return table.choice(ki, ei);
  }

  @Override
  public int resolution(Arch arch) {
    return checkShape(arch).r();
  }

  /**
   * OFA's own sampling ({@code OFAMobileNetV3.sample_active_subnet}) plus a resolution: every
   * depth, every active kernel and expand ratio and the resolution are drawn independently and
   * uniformly from their choice lists. This is uniform per choice, not uniform over distinct
   * canonical configs (which would put nearly all mass on maximum depths).
   */
  @Override
  public MbArch sample(SplittableRandom random) {
    int slots = spec.blockSlots();
    int[] ks = new int[slots];
    int[] e = new int[slots];
    int[] d = new int[stageCount()];
    for (int s = 0; s < d.length; s++) {
      d[s] = choices.depth(random.nextInt(choices.depthCount()));
      for (int b = 0; b < d[s]; b++) {
        ks[s * spec.maxDepth() + b] = choices.kernel(random.nextInt(choices.kernelCount()));
        e[s * spec.maxDepth() + b] = choices.expand(random.nextInt(choices.expandCount()));
      }
    }
    return new MbArch(ks, e, d, choices.resolution(random.nextInt(choices.resolutionCount())));
  }

  @Override
  public MbArch largest() {
    return uniformArch(choices.maxKernel(), choices.maxExpand(), choices.maxDepth(),
        choices.maxResolution());
  }

  @Override
  public MbArch smallest() {
    return uniformArch(choices.kernel(0), choices.expand(0), choices.depth(0),
        choices.resolution(0));
  }

  /**
   * Moves one choice one notch: an active kernel or expand ratio, a stage's depth (a new block
   * gets the smallest kernel and expand, a removed one is zeroed) or the resolution.
   */
  @Override
  public Optional<Arch> neighbour(Arch arch, boolean larger, SplittableRandom random) {
    return MbArchMoves.neighbour(this, normalise(arch), larger, random);
  }

  /** Product over stages of sum over depths d of (kernels x expands)^d, times resolutions. */
  @Override
  public OptionalLong size() {
    return choices.configurations(stageCount());
  }

  /**
   * Resolutions outermost, then depth vectors, then the active kernel/expand choices, each in
   * ascending odometer order (last position fastest).
   */
  @Override
  public Stream<Arch> enumerate() {
    if (!enumerable()) {
      OptionalLong size = size();
      throw new UnsupportedOperationException("space " + name() + " has "
          + (size.isPresent() ? String.valueOf(size.getAsLong()) : "more than " + Long.MAX_VALUE)
          + " configurations; enumerate() is limited to " + ENUMERATION_LIMIT
          + "; sample it instead");
    }
    return MbArchMoves.enumerate(this);
  }

  @Override
  public String toString() {
    return "MbConvSpace[" + name() + " v" + version() + "]";
  }

  /** The arch with inactive slots zeroed, after checking every active value is a choice. */
  MbArch normalise(Arch arch) {
    MbArch a = checkShape(arch);
    cost(a); // validates every active value with field-named messages
    int[] ks = a.ks();
    int[] e = a.e();
    for (int s = 0; s < stageCount(); s++) {
      for (int b = a.depth(s); b < spec.maxDepth(); b++) {
        ks[s * spec.maxDepth() + b] = 0;
        e[s * spec.maxDepth() + b] = 0;
      }
    }
    return new MbArch(ks, e, a.d(), a.r());
  }

  MbArch checkShape(Arch arch) {
    if (!(arch instanceof MbArch a)) {
      throw new InvalidArchException("space " + name() + " expects an MbArch, got "
          + (arch == null ? "null" : arch.getClass().getName()));
    }
    if (a.hasShape(spec.blockSlots(), stageCount())) {
      return a;
    }
    checkLength("ks", a.ks().length, spec.blockSlots());
    checkLength("e", a.e().length, spec.blockSlots());
    checkLength("d", a.d().length, stageCount());
    return a;
  }

  MbConvChoices choices() {
    return choices;
  }

  private int stageCount() {
    return spec.stages().size();
  }

  private MbArch uniformArch(int k, int e, int d, int r) {
    int[] ks = new int[spec.blockSlots()];
    int[] es = new int[spec.blockSlots()];
    int[] ds = new int[stageCount()];
    Arrays.fill(ds, d);
    for (int s = 0; s < ds.length; s++) {
      Arrays.fill(ks, s * spec.maxDepth(), s * spec.maxDepth() + d, k);
      Arrays.fill(es, s * spec.maxDepth(), s * spec.maxDepth() + d, e);
    }
    return new MbArch(ks, es, ds, r);
  }

  private static void checkLength(String field, int got, int expected) {
    if (got != expected) {
      throw InvalidArchException.field(field, "expected " + expected + " ints, got " + got);
    }
  }
}
