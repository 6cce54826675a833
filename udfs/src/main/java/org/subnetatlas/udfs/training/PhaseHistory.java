package org.subnetatlas.udfs.training;

/** Mean training loss per epoch of one phase. */
public record PhaseHistory(String phase, double[] epochLoss) {

  public PhaseHistory {
    epochLoss = epochLoss.clone();
  }

  @Override
  public double[] epochLoss() {
    return epochLoss.clone();
  }

  public int epochs() {
    return epochLoss.length;
  }
}
