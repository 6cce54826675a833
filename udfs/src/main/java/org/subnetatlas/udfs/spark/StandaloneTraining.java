package org.subnetatlas.udfs.spark;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.subnetatlas.schemas.PredictorTables.Standalone;
import org.subnetatlas.schemas.RowBuilder;
import org.subnetatlas.spaces.MbArch;
import org.subnetatlas.spaces.MbConvSpace;
import org.subnetatlas.spaces.Spaces;
import org.subnetatlas.udfs.evaluation.EvalConfig;
import org.subnetatlas.udfs.training.StandaloneTrainer;

/**
 * Trains sub-networks from scratch per partition: rows (arch_id, encoding, seed) in, learning
 * curves out. Trainings take the JVM's training lock, so one executor trains one at a time. A
 * training is scored as it goes, so it runs on the evaluation's device ({@link EvalConfig#device}).
 */
public final class StandaloneTraining extends PartitionTask {

  private static final long serialVersionUID = 1L;

  /** Rows of {@code atlas.standalone} but for the build date, space and run the writer adds. */
  public static final StructType RESULT_SCHEMA = Standalone.TABLE.columns(Standalone.ARCH_ID,
      Standalone.SEED, Standalone.EPOCHS, Standalone.TRAIN_IMAGES, Standalone.EPOCH_LOSS,
      Standalone.EPOCH_TOP1, Standalone.TOP1, Standalone.N_IMAGES, Standalone.TRAIN_SECONDS);

  private final String dataUri;
  private final StandaloneTrainer.Recipe recipe;

  public StandaloneTraining(String spaceName, String dataUri, StandaloneTrainer.Recipe recipe,
      LongAccumulator done) {
    super(spaceName, recipe.eval().device(), done);
    this.dataUri = dataUri;
    this.recipe = recipe;
  }

  @Override
  protected List<Row> partition(Iterator<Row> rows) throws Exception {
    MbConvSpace space = (MbConvSpace) Spaces.get(spaceName);
    return mapEach(rows, in -> {
      MbArch arch = (MbArch) space.parse((String) in.getAs("encoding"));
      long seed = in.getAs(Standalone.SEED);
      StandaloneTrainer.Result r = StandaloneTrainer.train(space.spec(), ExecutorCache.data(dataUri),
          recipe, arch, seed);
      return RowBuilder.of(RESULT_SCHEMA)
          .set(Standalone.ARCH_ID, in.getAs(Standalone.ARCH_ID))
          .set(Standalone.SEED, seed)
          .set(Standalone.EPOCHS, recipe.epochs())
          .set(Standalone.TRAIN_IMAGES, r.trainImages())
          .set(Standalone.EPOCH_LOSS, Arrays.stream(r.epochLoss()).boxed().toList().toArray(new Double[0]))
          .set(Standalone.EPOCH_TOP1, Arrays.stream(r.epochTop1()).boxed().toList().toArray(new Double[0]))
          .set(Standalone.TOP1, r.top1())
          .set(Standalone.N_IMAGES, r.nImages())
          .set(Standalone.TRAIN_SECONDS, r.seconds())
          .build();
    });
  }
}
