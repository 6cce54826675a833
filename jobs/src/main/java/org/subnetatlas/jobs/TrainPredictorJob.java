package org.subnetatlas.jobs;

import org.subnetatlas.transforms.TrainedSupernets;
import org.subnetatlas.transforms.BadInputException;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;

import io.delta.tables.DeltaTable;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.ml.PredictionModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subnetatlas.schemas.PredictorTables.ArchFeatures;
import org.subnetatlas.schemas.PredictorTables.Predictors;
import org.subnetatlas.schemas.TableDef;
import org.subnetatlas.schemas.Tables.Architectures;
import org.subnetatlas.schemas.Tables.Measurements;
import org.subnetatlas.schemas.Tables.Supernets;
import org.subnetatlas.spaces.MbConvSpace;
import org.subnetatlas.spaces.Spaces;
import org.subnetatlas.transforms.DeltaWrites;
import org.subnetatlas.transforms.DeltaWrites.OnMatch;
import org.subnetatlas.udfs.prediction.MlpRegressionModel;
import org.subnetatlas.udfs.prediction.PredictUdf;
import org.subnetatlas.udfs.prediction.PredictorModels;
import org.subnetatlas.udfs.prediction.FeatureEncoder.FeatureSet;
import org.subnetatlas.udfs.prediction.MlpMember;
import org.subnetatlas.udfs.prediction.ZeroCostProxies;
import org.subnetatlas.udfs.spark.ProxyScoring;
import org.subnetatlas.udfs.spark.SubnetEvaluation;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code atlas train-predictor}: zero-cost proxies for the date's measured sub-networks (into
 * {@code atlas.arch_features}, only those missing), then regressors (MLlib gradient-boosted trees,
 * random forest, linear; an ensemble of MLPs trained with DJL, {@link MlpRegressionModel}) for top-1, and for {@code latency_p50_ms} when the date has latency, on
 * two feature sets (encoding; encoding + proxies). Each is scored on the fixed held-out split and
 * MERGEd into {@code atlas.predictors} with its model folder and the Delta versions it read.
 *
 * <pre>spark-submit --class org.subnetatlas.jobs.AtlasCli atlas-jobs-shaded.jar train-predictor --date 2026-11-30</pre>
 */
@Command(name = "train-predictor", mixinStandardHelpOptions = true,
    description = "Train top-1 (and latency) predictors on the date's measurements into atlas.predictors.")
public final class TrainPredictorJob extends StageCommand {

  private static final Logger LOG = LoggerFactory.getLogger(TrainPredictorJob.class);

  static final String P = AtlasConfig.PREFIX + "predictor.";
  static final String HELD_OUT = P + "held-out-percent";
  static final String MAX_RECORDS = P + "max-train-records";
  static final String MODELS = P + "models";
  static final String GBT_ITERATIONS = P + "gbt-iterations";
  static final String MAX_DEPTH = P + "max-depth";
  static final String FOREST_TREES = P + "forest-trees";
  static final String SEED = P + "seed";
  static final String MLP_MEMBERS = P + "mlp-members";
  static final String MLP_HIDDEN = P + "mlp-hidden";
  static final String MLP_LAYERS = P + "mlp-layers";
  static final String MLP_EPOCHS = P + "mlp-epochs";
  static final String MLP_LEARNING_RATE = P + "mlp-learning-rate";
  static final String MLP_WEIGHT_DECAY = P + "mlp-weight-decay";
  static final String MLP_VIEWS = P + "mlp-views";
  static final String PROXY_SEED = P + "proxy-seed";
  static final String PROXY_BATCH = P + "proxy-batch";
  static final String PROXY_PARTITIONS = P + "proxy-partitions";
  static final String LATENCY_TARGET = Measurements.LATENCY_P50_MS;
  static final String DEFAULT_MODELS = "gbt,random_forest,linear,mlp";

  @Option(names = "--space", description = "Search space. Default: mbv3-tiny.")
  String space;

  @Option(names = "--max-train-records", description = "Cap on training records (held-out rows are never used). Default: 1000.")
  Integer maxRecords;

  @Option(names = "--models", description = "Comma-separated: gbt, random_forest, linear, mlp. Default: all four.")
  String models;

  @Option(names = "--held-out-percent", description = "Share of sub-networks held out (by arch_id hash). Default: 20.")
  Integer heldOut;

  @Override
  Map<String, String> overrides() {
    return settings(AtlasConfig.SPACE, space, MAX_RECORDS, maxRecords, MODELS, models, HELD_OUT, heldOut);
  }

  @Override
  Stage stage() {
    return new TrainPredictorStage();
  }

  public static void main(String[] args) {
    System.exit(AtlasCli.execute(new CommandLine(new TrainPredictorJob()), args));
  }

  static List<PredictorModels.Kind> kinds(AtlasConfig config) {
    List<PredictorModels.Kind> out = new ArrayList<>();
    for (String k : config.get(MODELS, DEFAULT_MODELS).split(",")) {
      try {
        out.add(PredictorModels.Kind.byLabel(k.trim()));
      } catch (IllegalArgumentException e) {
        throw new BadInputException(MODELS + ": " + e.getMessage());
      }
    }
    return out;
  }

  static List<MlpRegressionModel.View> views(AtlasConfig config, List<MlpRegressionModel.View> dflt) {
    String v = config.get(MLP_VIEWS, null);
    if (v == null) {
      return dflt;
    }
    List<MlpRegressionModel.View> out = new ArrayList<>();
    for (String name : v.split(",")) {
      try {
        MlpRegressionModel.View view = MlpRegressionModel.View.byLabel(name.trim());
        if (out.contains(view)) {
          throw new BadInputException(MLP_VIEWS + ": view '" + view.label() + "' is listed twice");
        }
        out.add(view);
      } catch (IllegalArgumentException e) {
        throw new BadInputException(MLP_VIEWS + ": " + e.getMessage());
      }
    }
    return out;
  }

  static PredictorModels.Settings settings(AtlasConfig config) {
    long seed = config.getLong(SEED, 20261201L, Long.MIN_VALUE, Long.MAX_VALUE);
    MlpRegressionModel.Settings d = PredictorModels.Settings.defaultMlp(seed);
    MlpMember.Settings m = d.member();
    MlpRegressionModel.Settings mlp = new MlpRegressionModel.Settings(
        config.getInt(MLP_MEMBERS, d.members(), 1, 1_000),
        new MlpMember.Settings(config.getInt(MLP_HIDDEN, m.hidden(), 1, 65_536),
            config.getInt(MLP_LAYERS, m.layers(), 1, 16), config.getInt(MLP_EPOCHS, m.epochs(), 1, 100_000),
            m.batch(), config.getDouble(MLP_LEARNING_RATE, m.learningRate(), 1e-7, 1),
            config.getDouble(MLP_WEIGHT_DECAY, m.weightDecay(), 0, 1)), seed, views(config, d.views()));
    return new PredictorModels.Settings(config.getInt(GBT_ITERATIONS, 100, 1, 10_000),
        config.getInt(MAX_DEPTH, 5, 1, 30), config.getInt(FOREST_TREES, 100, 1, 10_000), seed, mlp);
  }

  /** The newest Delta version of each table, read before the tables are. */
  static Map<String, Long> versions(SparkSession spark, TableDef... tables) {
    Map<String, Long> v = new LinkedHashMap<>();
    for (TableDef t : tables) {
      v.put(t.qualifiedName(), DeltaTable.forName(spark, t.qualifiedName()).history(1)
          .select("version").head().getLong(0));
    }
    return v;
  }

  static Dataset<Row> asOf(SparkSession spark, Map<String, Long> versions, TableDef t) {
    return spark.sql("SELECT * FROM " + t.qualifiedName() + " VERSION AS OF "
        + versions.get(t.qualifiedName()));
  }

  static final class TrainPredictorStage implements Stage {
    @Override
    public String name() {
      return "train-predictor";
    }

    @Override
    public void validate(AtlasConfig config) {
      String s = config.require(AtlasConfig.SPACE);
      if (!(Spaces.get(s) instanceof MbConvSpace)) {
        throw new BadInputException(AtlasConfig.SPACE + " " + s + ": predictors cover MBConv spaces only");
      }
      config.getInt(HELD_OUT, 20, 1, 90);
      config.getInt(MAX_RECORDS, 1000, 10, 10_000_000);
      config.getInt(PROXY_BATCH, ZeroCostProxies.DEFAULT_BATCH, 1, 4096);
      config.getInt(PROXY_PARTITIONS, 2, 1, 10_000);
      config.getLong(PROXY_SEED, ZeroCostProxies.DEFAULT_SEED, Long.MIN_VALUE, Long.MAX_VALUE);
      kinds(config);
      settings(config);
      DataDirChecks.requireFashionMnist(config);
    }

    @Override
    public void run(SparkSession spark, AtlasConfig config, LocalDate buildDate, RunRecorder run) {
      String space = config.require(AtlasConfig.SPACE);
      MbConvSpace mb = (MbConvSpace) Spaces.get(space);
      long proxySeed = config.getLong(PROXY_SEED, ZeroCostProxies.DEFAULT_SEED, Long.MIN_VALUE, Long.MAX_VALUE);
      int proxyBatch = config.getInt(PROXY_BATCH, ZeroCostProxies.DEFAULT_BATCH, 1, 4096);
      String supernetId = TrainedSupernets.latest(spark, space, buildDate)
          .getAs(Supernets.SUPERNET_ID);

      Map<String, Long> read = versions(spark, Measurements.TABLE, Architectures.TABLE);
      Dataset<Row> records = asOf(spark, read, Measurements.TABLE)
          .where(col(Measurements.BUILD_DATE).equalTo(lit(Date.valueOf(buildDate)))
              .and(col(Measurements.SUPERNET_ID).equalTo(supernetId))
              .and(col(Measurements.SPLIT).equalTo(SubnetEvaluation.SPLIT)))
          // one figure per sub-network: top-1 is device independent, latency is averaged
          .groupBy(Measurements.ARCH_ID)
          .agg(avg(Measurements.TOP1).as(Measurements.TOP1),
              avg(Measurements.LATENCY_P50_MS).as(LATENCY_TARGET))
          .join(asOf(spark, read, Architectures.TABLE).select(Architectures.ARCH_ID, Architectures.ENCODING),
              Measurements.ARCH_ID)
          .persist();
      try {
        long n = records.count();
        if (n < 20) {
          throw new BadInputException("only " + n + " measured sub-networks of " + space + " for "
              + buildDate + " (supernet " + supernetId.substring(0, 12) + "); a predictor needs at "
              + "least 20: run `atlas evaluate --date " + buildDate + "` first");
        }
        run.count("records", n);
        computeMissingProxies(spark, config, space, proxySeed, proxyBatch, records, run);
        read.putAll(versions(spark, ArchFeatures.TABLE));
        Map<String, double[]> proxies = new HashMap<>();
        for (Row r : asOf(spark, read, ArchFeatures.TABLE)
            .where(col(ArchFeatures.PROXY_SEED).equalTo(proxySeed)
                .and(col(ArchFeatures.PROXY_BATCH).equalTo(proxyBatch)))
            .join(records.select(Measurements.ARCH_ID), ArchFeatures.ARCH_ID)
            .select(ArchFeatures.ARCH_ID, ArchFeatures.SYNFLOW, ArchFeatures.SNIP, ArchFeatures.GRAD_NORM)
            .collectAsList()) {
          proxies.put(r.getString(0), new double[] {r.getDouble(1), r.getDouble(2), r.getDouble(3)});
        }
        List<Row> rows = records.orderBy(Measurements.ARCH_ID).collectAsList();
        List<Row> out = new ArrayList<>();
        String featuresSpace = space;
        try (PredictorModels.ScratchCheckpoints checkpoints = PredictorModels.ScratchCheckpoints.open(
            spark, config.warehouse() + "/_spark-checkpoints/" + run.runId())) {
          for (String target : List.of(Measurements.TOP1, LATENCY_TARGET)) {
            List<Row> labelled = rows.stream().filter(r -> !r.isNullAt(r.fieldIndex(target))).toList();
            if (labelled.isEmpty()) {
              LOG.info("train-predictor: no {} in atlas.measurements for {} (run `atlas measure`); "
                  + "the {} model is skipped", target, buildDate, target);
              continue;
            }
            for (FeatureSet set : FeatureSet.values()) {
              out.addAll(trainAll(spark, config, mb, featuresSpace, buildDate, target, set, labelled,
                  proxies, proxySeed, proxyBatch, read, run));
            }
          }
        }
        out.addAll(notRetrained(spark, buildDate, space, out));
        markBest(out);
        Map<String, Long> merged = DeltaWrites.merge(spark, Predictors.TABLE,
            spark.createDataFrame(out, Predictors.TABLE.schema()), OnMatch.UPDATE);
        run.count("predictors_inserted", merged.get("numTargetRowsInserted"));
        run.count("predictors_updated", merged.get("numTargetRowsUpdated"));
        // the SQL function now answers with the new best model
        PredictUdf.register(spark);
      } finally {
        records.unpersist();
      }
    }

    private static void computeMissingProxies(SparkSession spark, AtlasConfig config, String space,
        long proxySeed, int proxyBatch, Dataset<Row> records, RunRecorder run) {
      Dataset<Row> have = spark.table(ArchFeatures.TABLE.qualifiedName())
          .where(col(ArchFeatures.PROXY_SEED).equalTo(proxySeed)
              .and(col(ArchFeatures.PROXY_BATCH).equalTo(proxyBatch)))
          .select(ArchFeatures.ARCH_ID);
      Dataset<Row> todo = records.select(Measurements.ARCH_ID, Architectures.ENCODING)
          .join(have, records.col(Measurements.ARCH_ID).equalTo(have.col(ArchFeatures.ARCH_ID)), "left_anti");
      long missing = todo.count();
      if (missing == 0) {
        return;
      }
      int partitions = (int) Math.min(missing, config.getInt(PROXY_PARTITIONS, 2, 1, 10_000));
      LOG.info("train-predictor: zero-cost proxies for {} sub-networks ({} partitions)", missing, partitions);
      long t0 = System.nanoTime();
      // collected before the MERGE, which reads its source twice
      List<Row> scored = todo.repartition(partitions, col(Measurements.ARCH_ID))
          .mapPartitions(new ProxyScoring(space, config.data(), proxySeed, proxyBatch),
              Encoders.row(ProxyScoring.RESULT_SCHEMA))
          .collectAsList();
      double meanMs = scored.stream().mapToDouble(r -> r.getDouble(7)).average().orElse(0);
      LOG.info("train-predictor: proxies done in {} s, {} ms per sub-network",
          String.format("%.1f", (System.nanoTime() - t0) / 1e9), String.format("%.1f", meanMs));
      Map<String, Long> merged = DeltaWrites.merge(spark, ArchFeatures.TABLE,
          spark.createDataFrame(scored, ProxyScoring.RESULT_SCHEMA), OnMatch.KEEP);
      run.count("arch_features_inserted", merged.get("numTargetRowsInserted"));
    }

    private static List<Row> trainAll(SparkSession spark, AtlasConfig config, MbConvSpace mb,
        String space, LocalDate buildDate, String target, FeatureSet set, List<Row> labelled,
        Map<String, double[]> proxies, long proxySeed, int proxyBatch, Map<String, Long> read,
        RunRecorder run) {
      int heldOut = config.getInt(HELD_OUT, 20, 1, 90);
      int maxTrain = config.getInt(MAX_RECORDS, 1000, 10, 10_000_000);
      List<Row> train = new ArrayList<>();
      List<Row> test = new ArrayList<>();
      for (Row r : labelled) {
        String archId = r.getAs(Measurements.ARCH_ID);
        double[] p = proxies.get(archId);
        if (set.needsProxies() && p == null) {
          throw new IllegalStateException("arch " + archId + " has no proxies after scoring");
        }
        double[] v = org.subnetatlas.udfs.prediction.FeatureEncoder.vector(mb,
            mb.parse((String) r.getAs(Architectures.ENCODING)), set, p);
        Row row = PredictorModels.row(archId, r.<Double>getAs(target), v);
        if (PredictorModels.isHeldOut(archId, heldOut)) {
          test.add(row);
        } else if (train.size() < maxTrain) {
          train.add(row);
        }
      }
      if ((train.size() < 10 || test.size() < 5) && target.equals(LATENCY_TARGET)) {
        // a partial measure run (--max-subnets) is a normal state; top-1 is what the stage is for
        LOG.warn("train-predictor: {} predictor on {} skipped: {} training and {} held-out "
            + "sub-networks with latency for {}; it needs at least 10 and 5 (run `atlas measure`)",
            target, set.label(), train.size(), test.size(), buildDate);
        return List.of();
      }
      if (train.size() < 10 || test.size() < 5) {
        throw new BadInputException(target + ": " + train.size() + " training and " + test.size()
            + " held-out sub-networks for " + buildDate + "; need at least 10 and 5");
      }
      Dataset<Row> trainDf = PredictorModels.frame(spark, train).persist();
      Dataset<Row> testDf = PredictorModels.frame(spark, test).persist();
      List<Row> out = new ArrayList<>();
      String featuresJson = PredictUdf.featuresJson(
          org.subnetatlas.udfs.prediction.FeatureEncoder.names(mb.spec(), set), proxySeed, proxyBatch);
      MlpRegressionModel.Inputs inputs = new MlpRegressionModel.Inputs(
          org.subnetatlas.udfs.prediction.FeatureEncoder.levels(mb.spec(), set),
          org.subnetatlas.udfs.prediction.FeatureEncoder.slotPairs(mb.spec()),
          org.subnetatlas.udfs.prediction.FeatureEncoder.resolutionFeature(mb.spec()));
      try {
        for (PredictorModels.Kind kind : kinds(config)) {
          long t0 = System.nanoTime();
          PredictionModel<Vector, ?> model = PredictorModels.fit(kind, trainDf, settings(config), inputs);
          PredictorModels.Score s = PredictorModels.score(model, testDf);
          String path = config.warehouse() + "/predictors/" + space + "/" + target + "/" + buildDate
              + "/" + set.label().replace('+', '_') + "/" + kind.label();
          PredictorModels.save(model, path);
          LOG.info("train-predictor: {} {} on {}: {} train / {} held-out, Kendall tau {}, "
                  + "Spearman rho {}, RMSE {} ({} s)", target, kind.label(), set.label(), train.size(),
              s.nTest(), fmt(s.kendallTau()), fmt(s.spearmanRho()), fmt(s.rmse()),
              String.format("%.1f", (System.nanoTime() - t0) / 1e9));
          out.add(RowFactory.create(Date.valueOf(buildDate), space, target, kind.label(), set.label(),
              train.size(), s.nTest(), nanToNull(s.kendallTau()), nanToNull(s.spearmanRho()),
              nanToNull(s.rmse()), path, featuresJson,
              scala.collection.JavaConverters.mapAsScalaMap(new LinkedHashMap<>(read)),
              false, run.runId(), Timestamp.from(Instant.now())));
          run.count("models", 1);
        }
      } finally {
        trainDf.unpersist();
        testDf.unpersist();
      }
      return out;
    }

    /**
     * The date's stored rows of {@code space} that this run did not retrain (a run with fewer
     * models or feature sets), with is_best cleared: {@link #markBest} then picks the best over
     * everything the date holds, and the one MERGE leaves exactly one best per target.
     */
    private static List<Row> notRetrained(SparkSession spark, LocalDate buildDate, String space,
        List<Row> retrained) {
      StructType schema = Predictors.TABLE.schema();
      Set<List<String>> keys = new HashSet<>();
      for (Row r : retrained) {
        keys.add(predictorKey(r));
      }
      List<Row> kept = new ArrayList<>();
      if (!spark.catalog().tableExists(Predictors.TABLE.qualifiedName())) {
        return kept;
      }
      int isBest = schema.fieldIndex(Predictors.IS_BEST);
      for (Row r : spark.table(Predictors.TABLE.qualifiedName())
          .where(col(Predictors.BUILD_DATE).equalTo(lit(Date.valueOf(buildDate)))
              .and(col(Predictors.SPACE).equalTo(space)))
          .select(Arrays.stream(schema.fieldNames()).map(org.apache.spark.sql.functions::col)
              .toArray(org.apache.spark.sql.Column[]::new))
          .collectAsList()) {
        if (!keys.contains(predictorKey(r))) {
          kept.add(withValue(r, isBest, false));
        }
      }
      return kept;
    }

    /** The row's MERGE key, as atlas.predictors declares it. */
    private static List<String> predictorKey(Row r) {
      StructType schema = Predictors.TABLE.schema();
      List<String> key = new ArrayList<>();
      for (String c : Predictors.TABLE.keyColumns()) {
        key.add(String.valueOf(r.get(schema.fieldIndex(c))));  // dates compare as text
      }
      return key;
    }

    private static Row withValue(Row r, int field, Object value) {
      Object[] v = new Object[r.size()];
      for (int j = 0; j < v.length; j++) {
        v[j] = r.get(j);
      }
      v[field] = value;
      return RowFactory.create(v);
    }

    /** Sets is_best on the highest held-out Kendall tau per target. */
    private static void markBest(List<Row> rows) {
      Map<String, Row> best = new HashMap<>();
      int tau = Predictors.TABLE.schema().fieldIndex(Predictors.KENDALL_TAU);
      int target = Predictors.TABLE.schema().fieldIndex(Predictors.TARGET);
      Comparator<Row> byTau = Comparator.comparingDouble(r -> r.isNullAt(tau) ? -2 : r.getDouble(tau));
      for (Row r : rows) {
        best.merge(r.getString(target), r, (a, b) -> byTau.compare(b, a) > 0 ? b : a);
      }
      int isBest = Predictors.TABLE.schema().fieldIndex(Predictors.IS_BEST);
      for (int i = 0; i < rows.size(); i++) {
        Row r = rows.get(i);
        if (best.get(r.getString(target)) == r) {
          rows.set(i, withValue(r, isBest, true));
        }
      }
      best.forEach((t, r) -> LOG.info("train-predictor: best {} predictor: {} on {}, Kendall tau {}",
          t, r.getString(3), r.getString(4), fmt(r.isNullAt(tau) ? Double.NaN : r.getDouble(tau))));
    }

    private static Double nanToNull(double v) {
      return Double.isFinite(v) ? v : null;
    }

    private static String fmt(double v) {
      return String.format("%.4f", v);
    }
  }
}
