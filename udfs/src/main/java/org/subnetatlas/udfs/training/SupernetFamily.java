package org.subnetatlas.udfs.training;

import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import org.subnetatlas.spaces.MbConvSpec;
import org.subnetatlas.udfs.evaluation.CheckpointCodec;
import org.subnetatlas.udfs.evaluation.TrainedSupernet;
import org.subnetatlas.udfs.nets.DjlRuntime;
import org.subnetatlas.udfs.nets.SupernetParams;

/** The elastic MBConv supernet of {@code spec} as a model family. */
public record SupernetFamily(MbConvSpec spec) implements ModelFamily<SupernetParams, TrainedSupernet> {

  @Override
  public String label() {
    return "supernet";
  }

  @Override
  public String magic() {
    return "SUBNET-ATLAS-SUPERNET";
  }

  @Override
  public int endMarker() {
    return 0x5EA1ED;
  }

  @Override
  public CheckpointCodec.Identity identity() {
    return new CheckpointCodec.Identity(spec.name(), spec.version(), spec.toString());
  }

  @Override
  public String wrongMagic(String found) {
    String shown = found.length() > 40 ? found.substring(0, 40) + "…" : found;
    return "not a Subnet Atlas supernet checkpoint (header '" + shown + "', expected " + magic() + ")";
  }

  @Override
  public String mismatch(CheckpointCodec.Identity found) {
    if (!found.name().equals(spec.name()) || !found.version().equals(spec.version())) {
      return "supernet checkpoint is for space " + found.name() + " version " + found.version()
          + ", not " + spec.name() + " version " + spec.version();
    }
    if (!found.geometry().equals(spec.toString())) {
      return "supernet checkpoint for " + found.name() + " v" + found.version()
          + " was written for a different geometry: " + found.geometry() + " vs " + spec;
    }
    return null;
  }

  @Override
  public NDManager newManager() {
    return NDManager.newBaseManager(DjlRuntime.device(), DjlRuntime.ENGINE);
  }

  @Override
  public List<SupernetParams.Def> layout() {
    return SupernetParams.layout(spec);
  }

  @Override
  public SupernetParams initialize(NDManager parent, long seed) {
    return SupernetParams.initialize(spec, parent, seed);
  }

  @Override
  public SupernetParams fromData(NDManager parent, Map<String, float[]> data) {
    return SupernetParams.fromData(spec, parent, data);
  }

  @Override
  public TrainedSupernet trained(SupernetParams params, List<PhaseHistory> history,
      long imagesSeen, long skippedSteps, NDManager owned) {
    return new TrainedSupernet(params, history, imagesSeen, skippedSteps, owned);
  }
}
