package org.subnetatlas.udfs.training;

import org.subnetatlas.udfs.data.FashionData;
import org.subnetatlas.udfs.evaluation.EvalConfig;
import org.subnetatlas.udfs.evaluation.EvalResult;
import org.subnetatlas.udfs.evaluation.SubnetEvaluator;
import org.subnetatlas.udfs.evaluation.TrainedSupernet;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.subnetatlas.spaces.MbArch;
import org.subnetatlas.spaces.MbConvSpec;

/**
 * Ground truth for inherited-weight accuracy: one sub-network trained from scratch (fresh
 * arrays, only its slices used and updated) with the supernet trainer's recipe, scored on the
 * held-out split after every epoch by the same evaluator the evaluate stage uses.
 */
public final class StandaloneTrainer {

  /**
   * How a sub-network is trained from scratch: {@code config}'s batch size, images and threads, one
   * phase of {@code epochs} at learning rate {@code lr}, scored after every epoch with {@code eval}.
   */
  public record Recipe(SupernetConfig config, int epochs, double lr, EvalConfig eval)
      implements java.io.Serializable {}

  /** Learning curve and final score of one training run. */
  public record Result(double[] epochLoss, double[] epochTop1, double top1, int nImages,
      int trainImages, double seconds) {}

  private StandaloneTrainer() {}

  /** Trains {@code arch} by {@code recipe} with {@code seed}; blocks while another training runs. */
  public static Result train(MbConvSpec spec, FashionData data, Recipe recipe, MbArch arch,
      long seed) {
    Objects.requireNonNull(arch, "arch");
    int epochs = recipe.epochs();
    EvalConfig eval = recipe.eval();
    SupernetConfig c = recipe.config().withSeed(seed)
        .withPhases(List.of(new SupernetConfig.Phase("largest", epochs, recipe.lr())));
    List<Double> top1 = new ArrayList<>();
    int[] nImages = new int[1];
    long t0 = System.nanoTime();
    TrainedSupernet done = SupernetTrainer.trainFixed(spec, data, c, arch, (phase, epoch, params) -> {
      // a view on the live arrays: not owned, so nothing is closed here
      TrainedSupernet live = new TrainedSupernet(params, List.of(), 0, 0, null);
      EvalResult r = new SubnetEvaluator(live, data, eval).evaluate(arch);
      top1.add(r.top1());
      nImages[0] = r.nImages();
    });
    double seconds = (System.nanoTime() - t0) / 1e9;
    try {
      double[] loss = done.history().get(0).epochLoss();
      return new Result(loss, top1.stream().mapToDouble(Double::doubleValue).toArray(),
          top1.isEmpty() ? Double.NaN : top1.get(top1.size() - 1), nImages[0],
          (int) Math.min(Integer.MAX_VALUE, done.imagesSeen() / Math.max(1, epochs)), seconds);
    } finally {
      done.close();
    }
  }
}
