package org.subnetatlas.udfs.spark;

import static org.apache.spark.sql.types.DataTypes.DoubleType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;
import org.subnetatlas.udfs.data.HadoopConf;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.types.StructType;
import org.subnetatlas.spaces.MbArch;
import org.subnetatlas.spaces.SearchSpace;
import org.subnetatlas.spaces.Spaces;
import org.subnetatlas.udfs.nets.DjlRuntime;
import org.subnetatlas.udfs.evaluation.EvalConfig;
import org.subnetatlas.udfs.evaluation.EvalResult;

/**
 * {@code atlas_evaluate(space, encoding)}: evaluates one sub-network with the space's current
 * supernet (the newest checkpoint under {@code <warehouse>/checkpoints/<space>/}) and returns
 * {@code struct<top1, top5, loss>}, for ad-hoc queries. The evaluate job does the same work per
 * partition; this function is for a handful of rows.
 */
public final class EvaluateUdf {

  public static final String NAME = "atlas_evaluate";
  public static final StructType RESULT = new StructType()
      .add("top1", DoubleType).add("top5", DoubleType).add("loss", DoubleType);

  private EvaluateUdf() {}

  /** Checkpoints live at {@code <warehouse>/checkpoints/<space>/<build date>/<supernet id>.ckpt}. */
  public static String checkpointUri(String warehouse, String space, String buildDate,
      String supernetId) {
    return warehouse + "/checkpoints/" + space + "/" + buildDate + "/" + supernetId + ".ckpt";
  }

  public static void register(SparkSession spark, String warehouse) {
    spark.udf().register(NAME, function(warehouse, spark.conf().get("spark.atlas.data", null),
        spark.conf().get(DjlRuntime.DEVICE_SETTING, "auto")), RESULT);
  }

  /**
   * The function itself, for callers that register it their own way (per-session SQL endpoints);
   * {@code device} is the configured {@code spark.atlas.device}.
   */
  public static UDF2<String, String, Row> function(String warehouse, String data, String device) {
    EvalConfig config = EvalConfig.defaults().withDevice(device);
    return (space, encoding) -> {
      if (space == null || encoding == null) {
        return null;
      }
      DjlRuntime.preferDevice(config.device());
      SearchSpace s = Spaces.get(space);
      MbArch arch = (MbArch) s.parse(encoding);
      String checkpoint = latestCheckpoint(warehouse, space).orElseThrow(() ->
          new IllegalStateException(NAME + ": no trained supernet for space " + space + " under "
              + warehouse + "/checkpoints; run `atlas train-supernet` first"));
      DjlRuntime.inferenceThread(1);
      EvalResult r = ExecutorCache.evaluator(space, checkpoint, data, config)
          .evaluate(arch);
      return RowFactory.create(r.top1(), r.top5(), r.loss());
    };
  }

  /** Newest checkpoint of {@code space}: latest build-date folder, then latest file in it. */
  static Optional<String> latestCheckpoint(String warehouse, String space) {
    try {
      Path root = new Path(warehouse + "/checkpoints/" + space);
      FileSystem fs = root.getFileSystem(HadoopConf.current());  // carries the s3a settings
      if (!fs.exists(root)) {
        return Optional.empty();
      }
      Optional<FileStatus> day = Arrays.stream(fs.listStatus(root))
          .filter(FileStatus::isDirectory)
          .max(Comparator.comparing(f -> f.getPath().getName()));
      if (day.isEmpty()) {
        return Optional.empty();
      }
      return Arrays.stream(fs.listStatus(day.get().getPath()))
          .filter(f -> f.isFile() && f.getPath().getName().endsWith(".ckpt"))
          .max(Comparator.comparingLong(FileStatus::getModificationTime))
          .map(f -> f.getPath().toString());
    } catch (IOException e) {
      throw new UncheckedIOException("listing checkpoints of " + space + " under " + warehouse, e);
    }
  }
}
