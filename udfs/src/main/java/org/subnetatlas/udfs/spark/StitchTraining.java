package org.subnetatlas.udfs.spark;

import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subnetatlas.schemas.RowBuilder;
import org.subnetatlas.schemas.MeasurementTables.Measurements;
import org.subnetatlas.spaces.SearchSpace;
import org.subnetatlas.spaces.StitchArch;
import org.subnetatlas.spaces.StitchedSpace;
import org.subnetatlas.udfs.data.FashionData;
import org.subnetatlas.udfs.evaluation.EvalResult;
import org.subnetatlas.udfs.evaluation.TrainedStitches;
import org.subnetatlas.udfs.nets.DjlRuntime;
import org.subnetatlas.udfs.training.StitchConfig;
import org.subnetatlas.udfs.training.StitchTrainer;

/**
 * Trains a stitched family inside one Spark task (run it on a one-partition dataset), or loads
 * the checkpoint a previous run wrote for the same settings, then evaluates every configuration
 * on the held-out split. Writes the checkpoint atomically and returns one row: training
 * statistics, the device, and one evaluation per configuration.
 */
public final class StitchTraining extends FamilyTraining<StitchConfig> {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(StitchTraining.class);

  /** Column of {@link #RESULT_SCHEMA} holding the per-configuration evaluations. */
  public static final String EVALUATIONS = "evaluations";
  /** Column saying whether the checkpoint was reused instead of trained. */
  public static final String REUSED = "reused";
  /** Column with the canonical encoding of an evaluated configuration. */
  public static final String ENCODING = "encoding";

  public static final StructType EVALUATION = new StructType()
      .add(ENCODING, StringType, false)
      .add(Measurements.TOP1, DoubleType, false)
      .add(Measurements.TOP5, DoubleType, false)
      .add(Measurements.LOSS, DoubleType, false)
      .add(Measurements.N_IMAGES, IntegerType, false)
      .add(Measurements.EVAL_SECONDS, DoubleType, false);

  public static final StructType RESULT_SCHEMA = TRAINING_COLUMNS
      .add(REUSED, BooleanType, false)
      .add(EVALUATIONS, DataTypes.createArrayType(EVALUATION, false), false)
      .add(DeviceRows.COLUMN, DeviceRows.SCHEMA, false);

  private final boolean reuse;
  private final int evalImages;
  private final int evalThreads;

  /**
   * @param reuse load the checkpoint when it exists instead of training
   * @param evalImages first this many held-out (valid) images score each configuration
   * @param evalThreads intra-op threads while evaluating
   * @param device where it trains and evaluates: auto, cpu or gpu
   */
  public StitchTraining(String spaceName, String dataUri, String checkpointUri, StitchConfig config,
      boolean reuse, int evalImages, int evalThreads, String device) {
    super(spaceName, dataUri, checkpointUri, config, StitchConfig.class, device);
    this.reuse = reuse;
    this.evalImages = evalImages;
    this.evalThreads = evalThreads;
  }

  public static String toJson(StitchConfig config) {
    return FamilyTraining.toJson(config);
  }

  @Override
  protected Row train(SearchSpace searchSpace, StitchConfig config, FashionData data, long start)
      throws Exception {
    StitchedSpace space = (StitchedSpace) searchSpace;
    boolean reused = reuse && Checkpoints.exists(checkpointUri);
    try (TrainedStitches family = reused ? load(space)
        : StitchTrainer.train(space, data, config, progress(LOG, "train-stitches", start))) {
      double seconds = (System.nanoTime() - start) / 1e9;
      if (!reused) {
        Checkpoints.write(checkpointUri, family::save);
      }
      List<Row> evaluations = evaluateAll(space, family, data);
      return row(RESULT_SCHEMA, seconds, family, data.train().count())
          .set(REUSED, reused)
          // array columns of an external Row are Scala sequences
          .set(EVALUATIONS, scala.collection.JavaConverters.asScalaBuffer(evaluations).toSeq())
          .build();
    }
  }

  private TrainedStitches load(StitchedSpace space) throws IOException {
    LOG.info("train-stitches: reusing checkpoint {}", checkpointUri);
    Path p = new Path(checkpointUri);
    try (InputStream in = p.getFileSystem(new org.apache.hadoop.conf.Configuration()).open(p)) {
      return TrainedStitches.load(space, in);
    }
  }

  private List<Row> evaluateAll(StitchedSpace space, TrainedStitches family, FashionData data) {
    DjlRuntime.inferenceThread(evalThreads);
    List<Row> out = new ArrayList<>();
    long t0 = System.nanoTime();
    for (StitchArch arch : space.configs()) {
      long s = System.nanoTime();
      EvalResult r = family.evaluate(arch, data.valid(), evalImages, 500);
      if (!Double.isFinite(r.top1()) || !Double.isFinite(r.loss())) {
        throw new IllegalStateException(space.canonical(arch) + " of " + spaceName
            + ": non-finite metrics (top1 " + r.top1() + ", loss " + r.loss() + "); nothing was written");
      }
      out.add(RowBuilder.of(EVALUATION).set(ENCODING, space.canonical(arch))
          .set(Measurements.TOP1, r.top1()).set(Measurements.TOP5, r.top5())
          .set(Measurements.LOSS, r.loss()).set(Measurements.N_IMAGES, r.nImages())
          .set(Measurements.EVAL_SECONDS, (System.nanoTime() - s) / 1e9).build());
    }
    LOG.info("train-stitches: evaluated {} configurations on {} held-out images in {} s",
        out.size(), Math.min(evalImages, data.valid().count()),
        String.format("%.1f", (System.nanoTime() - t0) / 1e9));
    return out;
  }
}
