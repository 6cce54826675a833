package org.subnetatlas.udfs.training;

import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import org.subnetatlas.spaces.StitchedSpace;
import org.subnetatlas.udfs.evaluation.CheckpointCodec;
import org.subnetatlas.udfs.evaluation.TrainedStitches;
import org.subnetatlas.udfs.nets.DjlRuntime;
import org.subnetatlas.udfs.nets.VitFamilyParams;

/** The stitched ViT family of {@code space} (anchors and stitching layers) as a model family. */
public record StitchFamily(StitchedSpace space)
    implements ModelFamily<VitFamilyParams, TrainedStitches> {

  @Override
  public String label() {
    return "stitched-family";
  }

  @Override
  public String magic() {
    return "SUBNET-ATLAS-STITCHES";
  }

  @Override
  public int endMarker() {
    return 0x5717C4ED;
  }

  @Override
  public CheckpointCodec.Identity identity() {
    return new CheckpointCodec.Identity(space.name(), space.version(), space.spec().toString());
  }

  /** The configured device ({@link DjlRuntime#device}), like the supernet family. */
  @Override
  public NDManager newManager() {
    return NDManager.newBaseManager(DjlRuntime.device(), DjlRuntime.ENGINE);
  }

  @Override
  public List<VitFamilyParams.Def> layout() {
    return VitFamilyParams.layout(space);
  }

  @Override
  public VitFamilyParams initialize(NDManager parent, long seed) {
    return VitFamilyParams.initialize(space, parent, seed);
  }

  @Override
  public VitFamilyParams fromData(NDManager parent, Map<String, float[]> data) {
    return VitFamilyParams.fromData(space, parent, data);
  }

  @Override
  public TrainedStitches trained(VitFamilyParams params, List<PhaseHistory> history,
      long imagesSeen, long skippedSteps, NDManager owned) {
    return new TrainedStitches(params, history, imagesSeen, skippedSteps, owned);
  }
}
