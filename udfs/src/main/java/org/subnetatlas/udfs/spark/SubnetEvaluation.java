package org.subnetatlas.udfs.spark;

import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.subnetatlas.schemas.Tables.Architectures;
import org.subnetatlas.schemas.Tables.Measurements;
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
public final class SubnetEvaluation implements MapPartitionsFunction<Row, Row> {

  private static final long serialVersionUID = 1L;

  /** Dataset name written to the measurements. */
  public static final String DATASET = "fashion-mnist";
  /** Split the accuracy is measured on. */
  public static final String SPLIT = "valid";

  public static final StructType RESULT_SCHEMA = new StructType()
      .add(Measurements.ARCH_ID, StringType, false)
      .add(Measurements.SUPERNET_ID, StringType, false)
      .add(Measurements.DATASET, StringType, false)
      .add(Measurements.SPLIT, StringType, false)
      .add(Measurements.DEVICE_ID, StringType, false)
      .add(Measurements.TOP1, DoubleType, false)
      .add(Measurements.TOP5, DoubleType, false)
      .add(Measurements.LOSS, DoubleType, false)
      .add(Measurements.N_IMAGES, IntegerType, false)
      .add(Measurements.BN_RECALIBRATED, BooleanType, false)
      .add(Measurements.RECALIBRATION_IMAGES, IntegerType, true)
      .add(Measurements.EVAL_SECONDS, DoubleType, false)
      .add(Measurements.RUN_ID, StringType, false)
      .add(Measurements.MEASURED_AT, TimestampType, false)
      .add(Measurements.BUILD_DATE, DateType, false)
      .add(DeviceRows.COLUMN, DeviceRows.SCHEMA, false);

  private final String spaceName;
  private final String checkpointUri;
  private final String dataUri;
  private final String supernetId;
  private final EvalConfig config;
  private final int intraOpThreads;
  private final String runId;
  private final Date buildDate;
  private final LongAccumulator evaluated;

  public SubnetEvaluation(String spaceName, String checkpointUri, String dataUri, String supernetId,
      EvalConfig config, int intraOpThreads, String runId, Date buildDate,
      LongAccumulator evaluated) {
    this.spaceName = spaceName;
    this.checkpointUri = checkpointUri;
    this.dataUri = dataUri;
    this.supernetId = supernetId;
    this.config = config;
    this.intraOpThreads = intraOpThreads;
    this.runId = runId;
    this.buildDate = buildDate;
    this.evaluated = evaluated;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    if (!rows.hasNext()) {
      return List.<Row>of().iterator();
    }
    DjlRuntime.inferenceThread(intraOpThreads);
    SearchSpace space = Spaces.get(spaceName);
    SubnetEvaluator evaluator = ExecutorCache.evaluator(spaceName, checkpointUri, dataUri, config);
    DeviceFingerprint device = DeviceFingerprint.local();
    Row deviceRow = DeviceRows.of(device);
    List<Row> out = new ArrayList<>();
    while (rows.hasNext()) {
      Row in = rows.next();
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
      out.add(RowFactory.create(archId, supernetId, DATASET, SPLIT, device.deviceId(), r.top1(),
          r.top5(), r.loss(), r.nImages(), r.bnRecalibrated(),
          r.bnRecalibrated() ? config.recalibrationImages() : null, seconds, runId,
          Timestamp.from(Instant.now()), buildDate, deviceRow));
      evaluated.add(1);
    }
    return out.iterator();
  }
}
