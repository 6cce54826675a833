package org.subnetatlas.jobs;

import org.subnetatlas.transforms.BadInputException;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subnetatlas.schemas.Tables.Architectures;
import org.subnetatlas.schemas.Tables.Measurements;
import org.subnetatlas.schemas.Tables.Supernets;
import org.subnetatlas.spaces.Cost;
import org.subnetatlas.spaces.SearchSpace;
import org.subnetatlas.spaces.Spaces;
import org.subnetatlas.spaces.StitchArch;
import org.subnetatlas.spaces.StitchedSpace;
import org.subnetatlas.spaces.VitFamilySpec;
import org.subnetatlas.transforms.DeltaWrites;
import org.subnetatlas.transforms.DeltaWrites.OnMatch;
import org.subnetatlas.udfs.training.StitchConfig;
import org.subnetatlas.udfs.spark.DeviceRows;
import org.subnetatlas.udfs.spark.EvaluateUdf;
import org.subnetatlas.udfs.spark.StitchTraining;
import org.subnetatlas.udfs.spark.SubnetEvaluation;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code atlas train-stitches}: trains a stitched ViT family (SN-Net: anchors, least-squares
 * stitching layers, joint training) inside one Spark task, evaluates every configuration on the
 * held-out split, and MERGEs the configurations into {@code atlas.architectures} (family
 * {@code stitched}), the family into {@code atlas.supernets} and one row per configuration into
 * {@code atlas.measurements}. A family already trained for the same date, data and settings is
 * reused (only re-evaluated) unless {@code --force}.
 *
 * <pre>spark-submit --class org.subnetatlas.jobs.TrainStitchesJob atlas-jobs-shaded.jar --date 2026-11-30</pre>
 */
@Command(name = "train-stitches", mixinStandardHelpOptions = true,
    description = "Train a stitched ViT family (SN-Net) and measure every stitched configuration.")
public final class TrainStitchesJob extends StageCommand {

  private static final Logger LOG = LoggerFactory.getLogger(TrainStitchesJob.class);

  static final String SPACE = AtlasConfig.PREFIX + "stitch.space";
  static final String ANCHOR_EPOCHS = AtlasConfig.PREFIX + "stitch.anchor-epochs";
  static final String JOINT_EPOCHS = AtlasConfig.PREFIX + "stitch.joint-epochs";
  static final String MAX_IMAGES = AtlasConfig.PREFIX + "stitch.max-images";
  static final String BATCH = AtlasConfig.PREFIX + "stitch.batch-size";
  static final String LEAST_SQUARES = AtlasConfig.PREFIX + "stitch.least-squares";
  static final String SEED = AtlasConfig.PREFIX + "stitch.seed";
  static final String THREADS = AtlasConfig.PREFIX + "stitch.threads";
  static final String EVAL_IMAGES = AtlasConfig.PREFIX + "stitch.eval-images";
  static final String FORCE = AtlasConfig.PREFIX + "stitch.force";
  static final String DEFAULT_SPACE = "vit-tiny-family";
  /** Sampler name of enumerated configurations in atlas.architectures. */
  static final String SAMPLER = "enumerate";

  @Option(names = "--space", description = "Stitched family to train. Default: " + DEFAULT_SPACE + ".")
  String space;

  @Option(names = "--anchor-epochs", description = "Epochs of each anchor's own training.")
  Integer anchorEpochs;

  @Option(names = "--joint-epochs", description = "Epochs of joint training (one random configuration per step).")
  Integer jointEpochs;

  @Option(names = "--max-train-images", description = "Train on the first N training images only.")
  Integer maxImages;

  @Option(names = "--eval-images", description = "Held-out images scored per configuration.")
  Integer evalImages;

  @Option(names = "--least-squares", arity = "1", paramLabel = "true|false",
      description = "Initialise stitching layers by least squares (default true) or keep them random.")
  Boolean leastSquares;

  @Option(names = "--force", description = "Retrain even if this date already has the family.")
  Boolean force;

  @Override
  Map<String, String> overrides() {
    return settings(SPACE, space, ANCHOR_EPOCHS, anchorEpochs, JOINT_EPOCHS, jointEpochs,
        MAX_IMAGES, maxImages, EVAL_IMAGES, evalImages, LEAST_SQUARES, leastSquares, FORCE, force);
  }

  @Override
  Stage stage() {
    return new TrainStitchesStage();
  }

  public static void main(String[] args) {
    System.exit(AtlasCli.execute(new CommandLine(new TrainStitchesJob()), args));
  }

  /** The configured stitched family, if it can be trained on Fashion-MNIST; else bad input. */
  static StitchedSpace trainableSpace(AtlasConfig config) {
    String name = config.get(SPACE, DEFAULT_SPACE);
    SearchSpace space = Spaces.get(name);
    if (!(space instanceof StitchedSpace s)) {
      throw new BadInputException(SPACE + "=" + name + ": not a stitched family (family "
          + space.family() + "); stitched: " + stitchedNames());
    }
    VitFamilySpec spec = s.spec();
    if (spec.inChannels() != 1 || spec.imageSize() != 28 || spec.numClasses() != 10) {
      throw new BadInputException(SPACE + "=" + name + ": cannot be trained on Fashion-MNIST"
          + " (28x28 grayscale, 10 classes); it is for enumeration and analytic cost only."
          + " Trainable: " + DEFAULT_SPACE);
    }
    return s;
  }

  private static String stitchedNames() {
    return String.join(", ", Spaces.all().stream().filter(s -> s instanceof StitchedSpace)
        .map(SearchSpace::name).toList());
  }

  /** The recipe: the defaults with the configured overrides. */
  static StitchConfig stitchConfig(AtlasConfig config) {
    StitchConfig d = StitchConfig.defaults();
    return new StitchConfig(
        config.getInt(ANCHOR_EPOCHS, d.anchorEpochs(), 0, 1000),
        config.getInt(JOINT_EPOCHS, d.jointEpochs(), 0, 1000),
        config.getInt(BATCH, d.batchSize(), 2, 65_536),
        d.learningRate(), d.jointLearningRate(), d.weightDecay(), d.warmupSteps(),
        d.labelSmoothing(), config.getBoolean(LEAST_SQUARES, d.leastSquaresInit()),
        d.leastSquaresImages(), d.ridge(),
        config.getInt(MAX_IMAGES, d.maxTrainImages(), 0, 10_000_000),
        config.getInt(THREADS, d.intraOpThreads(), 1, 1024),
        config.getLong(SEED, d.seed(), Long.MIN_VALUE, Long.MAX_VALUE));
  }

  static final class TrainStitchesStage implements Stage {
    @Override
    public String name() {
      return "train-stitches";
    }

    @Override
    public void validate(AtlasConfig config) {
      trainableSpace(config);
      stitchConfig(config);
      config.getInt(EVAL_IMAGES, 1000, 1, 1_000_000);
      config.getBoolean(FORCE, false);
      DataDirChecks.requireFashionMnist(config);
    }

    @Override
    public void run(SparkSession spark, AtlasConfig config, LocalDate buildDate, RunRecorder run) {
      StitchedSpace space = trainableSpace(config);
      StitchConfig recipe = stitchConfig(config);
      String recipeJson = StitchTraining.toJson(recipe);
      String data = config.data();
      String familyId = AtlasConfig.sha256(String.join("\n", space.name(), space.version(), data,
          recipeJson, buildDate.toString()));
      String checkpoint = EvaluateUdf.checkpointUri(config.warehouse(), space.name(),
          buildDate.toString(), familyId);
      boolean reuse = !config.getBoolean(FORCE, false) && recorded(spark, familyId);
      int evalImages = config.getInt(EVAL_IMAGES, 1000, 1, 1_000_000);
      LOG.info("train-stitches: {} ({} configurations) on {}, {} anchor + {} joint epochs{}",
          space.name(), space.configs().size(), data, recipe.anchorEpochs(), recipe.jointEpochs(),
          reuse ? ", reusing the trained family if its checkpoint exists" : "");

      Row result = spark.range(0, 1, 1, 1)
          .mapPartitions(new StitchTraining(space.name(), data, checkpoint, recipe, reuse,
              evalImages, recipe.intraOpThreads()), Encoders.row(StitchTraining.RESULT_SCHEMA))
          .collectAsList().get(0);
      Dataset<Row> stats = spark.createDataFrame(List.of(result), StitchTraining.RESULT_SCHEMA);
      run.count("devices_inserted", Devices.upsert(spark, stats));

      Map<String, Long> archs = DeltaWrites.merge(spark, Architectures.TABLE,
          architectures(spark, space, buildDate), OnMatch.KEEP);
      run.count("architectures_inserted", archs.get("numTargetRowsInserted"));

      boolean reused = result.getAs(StitchTraining.REUSED);
      if (!reused) {
        Dataset<Row> row = stats.drop(StitchTraining.EVALUATIONS, StitchTraining.REUSED)
            .withColumn(Supernets.SUPERNET_ID, lit(familyId))
            .withColumn(Supernets.SPACE, lit(space.name()))
            .withColumn(Supernets.SPACE_VERSION, lit(space.version()))
            .withColumn(Supernets.CHECKPOINT_URI, lit(checkpoint))
            .withColumn(Supernets.CONFIG, lit(recipeJson))
            .withColumn(Supernets.CONFIG_HASH, lit(AtlasConfig.sha256(recipeJson)))
            .withColumn(Supernets.DATASET, lit(data))
            .withColumn(Supernets.DEVICE_ID, col(DeviceRows.COLUMN + ".device_id"))
            .withColumn(Supernets.RUN_ID, lit(run.runId()))
            .withColumn(Supernets.BUILD_DATE, lit(Date.valueOf(buildDate)))
            .withColumn(Supernets.CREATED_AT, lit(Timestamp.from(Instant.now())));
        DeltaWrites.merge(spark, Supernets.TABLE, row, OnMatch.UPDATE);
        run.count("supernets", 1);
      } else {
        run.count("supernets_reused", 1);
      }

      Map<String, Long> merged = DeltaWrites.merge(spark, Measurements.TABLE,
          measurements(spark, space, stats, familyId, run.runId(), buildDate), OnMatch.UPDATE);
      run.count("measurements_inserted", merged.get("numTargetRowsInserted"));
      run.count("measurements_updated", merged.get("numTargetRowsUpdated"));
      LOG.info("train-stitches: {} in {} s, {} configurations measured, checkpoint {}",
          reused ? "reused family" : "trained family",
          String.format("%.0f", (double) result.getAs(Supernets.TRAIN_SECONDS)),
          space.configs().size(), checkpoint);
    }

    private static boolean recorded(SparkSession spark, String familyId) {
      return spark.table(Supernets.TABLE.qualifiedName())
          .where(col(Supernets.SUPERNET_ID).equalTo(familyId)).count() > 0;
    }
  }

  private static final StructType ARCH_ROWS = new StructType()
      .add(Architectures.ARCH_ID, DataTypes.StringType, false)
      .add(Architectures.SPACE, DataTypes.StringType, false)
      .add(Architectures.SPACE_VERSION, DataTypes.StringType, false)
      .add(Architectures.FAMILY, DataTypes.StringType, false)
      .add(Architectures.ENCODING, DataTypes.StringType, false)
      .add(Architectures.RESOLUTION, DataTypes.IntegerType, false)
      .add(Architectures.MACS, DataTypes.LongType, false)
      .add(Architectures.PARAMS, DataTypes.LongType, false)
      .add(Architectures.SAMPLER, DataTypes.StringType, false)
      .add(Architectures.SEED, DataTypes.LongType, false)
      .add(Architectures.FIRST_SEEN_DATE, DataTypes.DateType, false)
      .add(Architectures.STITCH_FRONT_ANCHOR, DataTypes.StringType, false)
      .add(Architectures.STITCH_FRONT_BLOCKS, DataTypes.IntegerType, false)
      .add(Architectures.STITCH_BACK_ANCHOR, DataTypes.StringType, false)
      .add(Architectures.STITCH_BACK_START, DataTypes.IntegerType, false);

  /** Every configuration of the family as architectures rows (enumerated, so seed 0). */
  static Dataset<Row> architectures(SparkSession spark, StitchedSpace space, LocalDate date) {
    List<Row> rows = new ArrayList<>();
    VitFamilySpec spec = space.spec();
    for (StitchArch a : space.configs()) {
      Cost cost = space.cost(a);
      rows.add(RowFactory.create(space.archId(a), space.name(), space.version(), space.family(),
          space.canonical(a), space.resolution(a), cost.macs(), cost.params(), SAMPLER, 0L,
          Date.valueOf(date), spec.anchor(a.front()).name(), a.frontBlocks(),
          spec.anchor(a.back()).name(), a.backStart()));
    }
    return spark.createDataFrame(rows, ARCH_ROWS);
  }

  /** One measurements row per evaluated configuration, keyed like the supernet evaluation rows. */
  static Dataset<Row> measurements(SparkSession spark, StitchedSpace space, Dataset<Row> stats,
      String familyId, String runId, LocalDate date) {
    List<Row> ids = new ArrayList<>();
    for (StitchArch a : space.configs()) {
      ids.add(RowFactory.create(space.canonical(a), space.archId(a)));
    }
    Dataset<Row> archIds = spark.createDataFrame(ids, new StructType()
        .add(StitchTraining.ENCODING, DataTypes.StringType, false)
        .add(Measurements.ARCH_ID, DataTypes.StringType, false));
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
