package org.subnetatlas.udfs.measurement;

/** No counter: configured device power (watts) times the measured time. */
public final class EstimatedEnergy implements EnergyMeter {

  private static final Reading NONE = new Reading(new long[0]);
  private final double watts;

  public EstimatedEnergy(double watts) {
    if (!(watts > 0) || Double.isInfinite(watts)) {
      throw new IllegalArgumentException("device power must be a positive number of watts, got "
          + watts);
    }
    this.watts = watts;
  }

  @Override
  public String method() {
    return "estimated";
  }

  @Override
  public Reading read() {
    return NONE;
  }

  @Override
  public double millijoules(Reading before, Reading after, double seconds) {
    return watts * seconds * 1000.0;
  }
}
