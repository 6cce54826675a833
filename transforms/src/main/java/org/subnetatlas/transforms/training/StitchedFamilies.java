package org.subnetatlas.transforms.training;

import static org.apache.spark.sql.functions.*;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subnetatlas.schemas.RowBuilder;
import org.subnetatlas.schemas.Tables.Architectures;
import org.subnetatlas.schemas.MeasurementTables.Measurements;
import org.subnetatlas.schemas.Tables.Supernets;
import org.subnetatlas.spaces.Cost;
import org.subnetatlas.spaces.StitchArch;
import org.subnetatlas.spaces.StitchedSpace;
import org.subnetatlas.spaces.VitFamilySpec;
import org.subnetatlas.transforms.DeltaWrites;
import org.subnetatlas.transforms.DeltaWrites.OnMatch;
import org.subnetatlas.transforms.tasks.ExecutorDevices;
import org.subnetatlas.transforms.tasks.StageCounts;
import org.subnetatlas.transforms.training.TrainedModels.ModelIdentity;
import org.subnetatlas.udfs.spark.DeviceRows;
import org.subnetatlas.udfs.spark.StitchTraining;
import org.subnetatlas.udfs.spark.SubnetEvaluation;
import org.subnetatlas.udfs.training.StitchConfig;

/**
 * The train-stitches stage's dataflow: train (or reuse) a stitched family in one task, which also
 * evaluates every configuration, then MERGE the configurations into {@code atlas.architectures},
 * the family into {@code atlas.supernets} and one row per configuration into
 * {@code atlas.measurements}.
 */
public final class StitchedFamilies {

  private static final Logger LOG = LoggerFactory.getLogger(StitchedFamilies.class);

  /** Sampler name of enumerated configurations in atlas.architectures. */
  public static final String SAMPLER = "enumerate";

  /**
   * One train-stitches run.
   *
   * @param evalImages held-out images scored per configuration
   * @param force retrain even if the family was trained for the date
   * @param device where it trains and evaluates (auto, cpu or gpu); not part of its identity
   */
  public record Request(StitchedSpace space, StitchConfig recipe, String data, String warehouse,
      int evalImages, boolean force, LocalDate buildDate, String runId, String device) {}

  private StitchedFamilies() {}

  /** Trains or reuses the family and writes its three tables; returns its identity. */
  public static ModelIdentity trainAndMeasure(SparkSession spark, Request r, StageCounts counts) {
    StitchedSpace space = r.space();
    StitchConfig recipe = r.recipe();
    ModelIdentity model = ModelIdentity.of(space.name(), space.version(), r.data(),
        StitchTraining.toJson(recipe), r.warehouse(), r.buildDate());
    boolean reuse = !r.force() && TrainedModels.recorded(spark, model.id());
    LOG.info("train-stitches: {} ({} configurations) on {}, {} anchor + {} joint epochs{}",
        space.name(), space.configs().size(), r.data(), recipe.anchorEpochs(),
        recipe.jointEpochs(),
        reuse ? ", reusing the trained family if its checkpoint exists" : "");

    Dataset<Row> stats = TrainedModels.trainInOneTask(spark,
        new StitchTraining(space.name(), r.data(), model.checkpoint(), recipe, reuse,
            r.evalImages(), recipe.intraOpThreads(), r.device()), StitchTraining.RESULT_SCHEMA);
    Row result = stats.head();
    counts.count("devices_inserted", ExecutorDevices.upsert(spark, stats));

    Map<String, Long> archs = DeltaWrites.merge(spark, Architectures.TABLE,
        architectures(spark, space, r.buildDate()), OnMatch.KEEP);
    counts.count("architectures_inserted", archs.get("numTargetRowsInserted"));

    boolean reused = result.getAs(StitchTraining.REUSED);
    if (!reused) {
      DeltaWrites.merge(spark, Supernets.TABLE,
          TrainedModels.supernetsRow(stats.drop(StitchTraining.EVALUATIONS, StitchTraining.REUSED),
              model, r.runId(), r.buildDate()), OnMatch.UPDATE);
      counts.count("supernets", 1);
    } else {
      counts.count("supernets_reused", 1);
    }

    Dataset<Row> evaluations = measurements(spark, space, stats, model.id(), r.runId(),
        r.buildDate());
    // a reused family's configurations time as before: keep the latency measure gave them, so a
    // rerun does not send them to be measured again; a retrained family's rows are replaced whole
    Map<String, Long> merged = reused
        ? DeltaWrites.mergeColumns(spark, Measurements.TABLE, evaluations,
            ownColumns(evaluations))
        : DeltaWrites.merge(spark, Measurements.TABLE, evaluations, OnMatch.UPDATE);
    counts.count("measurements_inserted", merged.get("numTargetRowsInserted"));
    counts.count("measurements_updated", merged.get("numTargetRowsUpdated"));
    LOG.info("train-stitches: {} in {} s, {} configurations measured, checkpoint {}",
        reused ? "reused family" : "trained family",
        String.format("%.0f", (double) result.getAs(Supernets.TRAIN_SECONDS)),
        space.configs().size(), model.checkpoint());
    return model;
  }

  /** The columns of atlas.measurements that {@code rows} carry, less the key. */
  private static List<String> ownColumns(Dataset<Row> rows) {
    List<String> table = List.of(Measurements.TABLE.schema().fieldNames());
    return Arrays.stream(rows.columns())
        .filter(c -> table.contains(c) && !Measurements.TABLE.keyColumns().contains(c))
        .toList();
  }

  /** Every configuration of the family as architectures rows (enumerated, so seed 0). */
  public static Dataset<Row> architectures(SparkSession spark, StitchedSpace space,
      LocalDate date) {
    StructType schema = Architectures.TABLE.schema();
    List<Row> rows = new ArrayList<>();
    VitFamilySpec spec = space.spec();
    for (StitchArch a : space.configs()) {
      Cost cost = space.cost(a);
      rows.add(RowBuilder.of(schema)
          .set(Architectures.ARCH_ID, space.archId(a))
          .set(Architectures.SPACE, space.name())
          .set(Architectures.SPACE_VERSION, space.version())
          .set(Architectures.FAMILY, space.family())
          .set(Architectures.ENCODING, space.canonical(a))
          .set(Architectures.RESOLUTION, space.resolution(a))
          .set(Architectures.MACS, cost.macs())
          .set(Architectures.PARAMS, cost.params())
          .set(Architectures.SAMPLER, SAMPLER)
          .set(Architectures.SEED, 0L)
          .set(Architectures.FIRST_SEEN_DATE, Date.valueOf(date))
          .set(Architectures.STITCH_FRONT_ANCHOR, spec.anchor(a.front()).name())
          .set(Architectures.STITCH_FRONT_BLOCKS, a.frontBlocks())
          .set(Architectures.STITCH_BACK_ANCHOR, spec.anchor(a.back()).name())
          .set(Architectures.STITCH_BACK_START, a.backStart())
          .build());
    }
    return spark.createDataFrame(rows, schema);
  }

  private static final StructType ARCH_IDS = new StructType()
      .add(StitchTraining.ENCODING, DataTypes.StringType, false)
      .add(Measurements.ARCH_ID, DataTypes.StringType, false);

  /** One measurements row per evaluated configuration, keyed like the supernet evaluation rows. */
  public static Dataset<Row> measurements(SparkSession spark, StitchedSpace space,
      Dataset<Row> stats, String familyId, String runId, LocalDate date) {
    List<Row> ids = new ArrayList<>();
    for (StitchArch a : space.configs()) {
      ids.add(RowBuilder.of(ARCH_IDS).set(StitchTraining.ENCODING, space.canonical(a))
          .set(Measurements.ARCH_ID, space.archId(a)).build());
    }
    Dataset<Row> archIds = spark.createDataFrame(ids, ARCH_IDS);
    return stats
        .select(col(DeviceRows.COLUMN + ".device_id").as(Measurements.DEVICE_ID),
            explode(col(StitchTraining.EVALUATIONS)).as("e"))
        .select(col(Measurements.DEVICE_ID), col("e.*"))
        .join(archIds, StitchTraining.ENCODING)
        .withColumn(Measurements.SUPERNET_ID, lit(familyId))
        .withColumn(Measurements.DATASET, lit(SubnetEvaluation.DATASET))
        .withColumn(Measurements.SPLIT, lit(SubnetEvaluation.SPLIT))
        .withColumn(Measurements.BN_RECALIBRATED, lit(false))
        .withColumn(Measurements.RUN_ID, lit(runId))
        .withColumn(Measurements.MEASURED_AT, lit(Timestamp.from(Instant.now())))
        .withColumn(Measurements.BUILD_DATE, lit(Date.valueOf(date)));
  }
}
