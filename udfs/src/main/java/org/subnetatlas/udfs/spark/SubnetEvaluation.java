package org.subnetatlas.udfs.spark;

import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;

import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.subnetatlas.schemas.Tables.Architectures;
import org.subnetatlas.schemas.MeasurementTables.Measurements;
import org.subnetatlas.spaces.MbArch;
import org.subnetatlas.spaces.SearchSpace;
import org.subnetatlas.spaces.Spaces;
import org.subnetatlas.udfs.nets.DjlRuntime;
import org.subnetatlas.udfs.evaluation.EvalConfig;
import org.subnetatlas.udfs.evaluation.EvalResult;
import org.subnetatlas.udfs.evaluation.NonFiniteMetricsException;
import org.subnetatlas.udfs.evaluation.SubnetEvaluator;

/**
 * Evaluates sub-networks per partition: the supernet, the data and the evaluator are loaded once
 * per executor ({@link ExecutorCache}), then every row of the partition inherits weights,
 * recalibrates BN and is scored. Input rows need {@code arch_id}, {@code space} and
 * {@code encoding}; output rows have {@link #RESULT_SCHEMA}.
 */
public final class SubnetEvaluation extends PartitionTask {

  private static final long serialVersionUID = 1L;

  /** Dataset name written to the measurements. */
  public static final String DATASET = "fashion-mnist";
  /** Split the accuracy is measured on, unless {@link #onSplit} names another. */
  public static final String SPLIT = "valid";

  public static final StructType RESULT_SCHEMA = MeasurementRows.schema(new StructType()
      .add(Measurements.TOP1, DoubleType, false)
      .add(Measurements.TOP5, DoubleType, false)
      .add(Measurements.LOSS, DoubleType, false)
      .add(Measurements.N_IMAGES, IntegerType, false)
      .add(Measurements.BN_RECALIBRATED, BooleanType, false)
      .add(Measurements.RECALIBRATION_IMAGES, IntegerType, true)
      .add(Measurements.EVAL_SECONDS, DoubleType, false));

  private final String checkpointUri;
  private final String dataUri;
  private final String supernetId;
  private final EvalConfig config;
  private final int intraOpThreads;
  private final RunStamp run;
  // set after construction, so the constructor keeps the shape every other caller uses
  private String split = SPLIT;

  public SubnetEvaluation(String spaceName, String checkpointUri, String dataUri, String supernetId,
      EvalConfig config, int intraOpThreads, RunStamp run, LongAccumulator evaluated) {
    super(spaceName, config.device(), evaluated);
    this.checkpointUri = checkpointUri;
    this.dataUri = dataUri;
    this.supernetId = supernetId;
    this.config = config;
    this.intraOpThreads = intraOpThreads;
    this.run = run;
  }

  /** Scores on {@code split} of the data (search's finds: test) instead of {@link #SPLIT}. */
  public SubnetEvaluation onSplit(String split) {
    this.split = java.util.Objects.requireNonNull(split, "split");
    return this;
  }

  @Override
  protected List<Row> partition(Iterator<Row> rows) throws Exception {
    DjlRuntime.inferenceThread(intraOpThreads);
    SearchSpace space = Spaces.get(spaceName);
    SubnetEvaluator evaluator = ExecutorCache.evaluator(spaceName, checkpointUri, dataUri, config,
        split);
    DeviceFingerprint device = DeviceFingerprint.local();
    Row deviceRow = DeviceRows.of(device);
    return mapEach(rows, in -> {
      String archId = in.getAs(Architectures.ARCH_ID);
      MbArch arch = (MbArch) space.parse((String) in.getAs(Architectures.ENCODING));
      long start = System.nanoTime();
      EvalResult r = evaluator.evaluate(arch);
      double seconds = (System.nanoTime() - start) / 1e9;
      if (!Double.isFinite(r.top1()) || !Double.isFinite(r.top5()) || !Double.isFinite(r.loss())) {
        throw new NonFiniteMetricsException("arch " + archId + " of " + spaceName
            + ": non-finite metrics from supernet " + supernetId + " (checkpoint " + checkpointUri + "; top1 " + r.top1()
            + ", top5 " + r.top5() + ", loss " + r.loss() + "); nothing was written");
      }
      return MeasurementRows.stamped(MeasurementRows.keyed(RESULT_SCHEMA, archId, supernetId,
              DATASET, split, device.deviceId())
          .set(Measurements.TOP1, r.top1())
          .set(Measurements.TOP5, r.top5())
          .set(Measurements.LOSS, r.loss())
          .set(Measurements.N_IMAGES, r.nImages())
          .set(Measurements.BN_RECALIBRATED, r.bnRecalibrated())
          .set(Measurements.RECALIBRATION_IMAGES,
              r.bnRecalibrated() ? config.recalibrationImages() : null)
          .set(Measurements.EVAL_SECONDS, seconds), run, deviceRow);
    });
  }
}
