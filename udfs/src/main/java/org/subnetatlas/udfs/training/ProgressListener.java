package org.subnetatlas.udfs.training;

/** Training progress, called once per optimiser step from the training thread. */
@FunctionalInterface
public interface ProgressListener {

  ProgressListener NONE = (phase, step, totalSteps, loss) -> { };

  /**
   * @param phase phase name ({@code largest}, {@code kernel}, {@code depth}, {@code expand})
   * @param step steps done so far over the whole training, 1-based
   * @param totalSteps steps of the whole training
   * @param loss mean loss of this step's sub-networks (NaN for a skipped step)
   */
  void onStep(String phase, long step, long totalSteps, double loss);
}
