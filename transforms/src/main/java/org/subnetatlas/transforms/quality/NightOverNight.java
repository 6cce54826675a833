package org.subnetatlas.transforms.quality;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.amazon.deequ.AnomalyCheckConfig;
import com.amazon.deequ.VerificationResult;
import com.amazon.deequ.VerificationRunBuilderWithRepository;
import com.amazon.deequ.VerificationSuite;
import com.amazon.deequ.analyzers.Analyzer;
import com.amazon.deequ.analyzers.Mean;
import com.amazon.deequ.analyzers.Size;
import com.amazon.deequ.analyzers.runners.AnalyzerContext;
import com.amazon.deequ.anomalydetection.AbsoluteChangeStrategy;
import com.amazon.deequ.anomalydetection.AnomalyDetectionStrategy;
import com.amazon.deequ.anomalydetection.RelativeRateOfChangeStrategy;
import com.amazon.deequ.checks.CheckLevel;
import com.amazon.deequ.checks.CheckResult;
import com.amazon.deequ.constraints.ConstraintResult;
import com.amazon.deequ.metrics.DoubleMetric;
import com.amazon.deequ.metrics.Entity;
import com.amazon.deequ.metrics.Metric;
import com.amazon.deequ.repository.MetricsRepository;
import com.amazon.deequ.repository.ResultKey;
import com.amazon.deequ.repository.memory.InMemoryMetricsRepository;
import java.sql.Date;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.subnetatlas.schemas.MeasurementTables.Measurements;
import org.subnetatlas.schemas.Tables.QualityMetrics;
import org.subnetatlas.transforms.DataChecks.Outcome;
import org.subnetatlas.transforms.QualityGates;
import scala.Option;
import scala.collection.JavaConverters;
import scala.util.Success;

/**
 * The gates' night-over-night checks as Deequ runs them: the values {@code atlas.quality_metrics}
 * recorded for earlier nights fill a Deequ metrics repository (one result per build date), and
 * Deequ's anomaly checks compute tonight's value on the night's rows and test it against that
 * history. The table stays the one record of the history; the repository is rebuilt from it for
 * each check, so a rerun of an earlier date sees only the nights before it.
 */
public final class NightOverNight {

  /** A recorded metric, the Deequ analyzer that computes it and the rule it must keep. */
  private record Tracked(String metric, Analyzer<?, Metric<?>> analyzer,
      AnomalyDetectionStrategy strategy, String rule) {}

  private NightOverNight() {}

  /**
   * One outcome per tracked metric: tonight's value on {@code night} (the night's own rows, as
   * {@link GateMetrics} scopes them) against every earlier night in {@code atlas.quality_metrics}.
   * {@code tonight} holds the values {@link GateMetrics} computed; a metric without a value tonight
   * or before passes with a note, since there is nothing to compare. Each outcome names the night
   * it was compared with: the latest with a value, else {@code previousNight}.
   */
  public static List<Outcome> check(SparkSession spark, Dataset<Row> night, LocalDate buildDate,
      LocalDate previousNight, Map<String, Double> tonight, QualityGates.Thresholds thresholds) {
    List<Tracked> tracked = tracked(thresholds);
    Map<LocalDate, Map<String, Double>> history = history(spark, buildDate);
    VerificationRunBuilderWithRepository builder =
        new VerificationSuite().onData(night).useRepository(repository(history, tracked));
    boolean anyCheck = false;
    for (Tracked t : tracked) {
      LocalDate previous = latestWith(history, t.metric());
      if (previous != null && tonight.get(t.metric()) != null) {
        builder = builder.addAnomalyCheck(t.strategy(), cast(t.analyzer()), Option.apply(
            new AnomalyCheckConfig(CheckLevel.Error(), name(t, previous), emptyTags(),
                Option.empty(), Option.empty())));
        anyCheck = true;
      }
    }
    Map<String, CheckResult> byName = new HashMap<>();
    if (anyCheck) {
      VerificationResult result = builder.run();
      JavaConverters.mapAsJavaMap(result.checkResults())
          .forEach((check, r) -> byName.put(check.description(), r));
    }

    List<Outcome> outcomes = new ArrayList<>();
    for (Tracked t : tracked) {
      LocalDate previous = latestWith(history, t.metric());
      LocalDate named = previous == null ? previousNight : previous;
      Double before = previous == null ? null : history.get(previous).get(t.metric());
      Double now = tonight.get(t.metric());
      CheckResult r = byName.get(name(t, named));
      if (r == null) {
        outcomes.add(new Outcome(Measurements.TABLE.name(), name(t, named), true,
            "no value to compare (previous " + before + ", current " + now + ")", null));
        continue;
      }
      boolean passed = "Success".equals(r.status().toString());
      StringBuilder why = new StringBuilder();
      for (ConstraintResult c : JavaConverters.seqAsJavaList(r.constraintResults())) {
        if (!"Success".equals(c.status().toString()) && c.message().isDefined()) {
          why.append(c.message().get());
        }
      }
      outcomes.add(new Outcome(Measurements.TABLE.name(), name(t, named), passed,
          passed ? "ok" : why + " (previous " + before + ", now " + now + ")", null));
    }
    return outcomes;
  }

  private static List<Tracked> tracked(QualityGates.Thresholds t) {
    return List.of(
        new Tracked(QualityGates.ROWS, cast(new Size(Option.empty())),
            new RelativeRateOfChangeStrategy(Option.apply(t.minRowRatio()), Option.empty(), 1),
            "rows >= " + t.minRowRatio() + " x previous night"),
        new Tracked(QualityGates.MEAN_TOP1, cast(new Mean(Measurements.TOP1, Option.empty())),
            new AbsoluteChangeStrategy(Option.apply(-t.maxTop1Shift()),
                Option.apply(t.maxTop1Shift()), 1),
            "|mean top1 shift| <= " + t.maxTop1Shift()));
  }

  private static String name(Tracked t, LocalDate previous) {
    return t.metric() + " vs " + previous + " (" + t.rule() + ")";
  }

  /** Recorded values of the nights before {@code buildDate}, by date. */
  private static Map<LocalDate, Map<String, Double>> history(SparkSession spark,
      LocalDate buildDate) {
    Map<LocalDate, Map<String, Double>> out = new TreeMap<>();
    for (Row r : spark.table(QualityMetrics.TABLE.qualifiedName())
        .filter(col(QualityMetrics.BUILD_DATE).lt(lit(Date.valueOf(buildDate)))
            .and(col(QualityMetrics.VALUE).isNotNull()))
        .select(QualityMetrics.BUILD_DATE, QualityMetrics.METRIC, QualityMetrics.VALUE)
        .collectAsList()) {
      out.computeIfAbsent(r.getDate(0).toLocalDate(), d -> new HashMap<>())
          .put(r.getString(1), r.getDouble(2));
    }
    return out;
  }

  private static LocalDate latestWith(Map<LocalDate, Map<String, Double>> history, String metric) {
    LocalDate latest = null;
    for (Map.Entry<LocalDate, Map<String, Double>> e : history.entrySet()) {
      if (e.getValue().containsKey(metric)) {
        latest = e.getKey();
      }
    }
    return latest;
  }

  /** Deequ's in-memory repository holding each earlier night's tracked metrics. */
  private static MetricsRepository repository(Map<LocalDate, Map<String, Double>> history,
      List<Tracked> tracked) {
    InMemoryMetricsRepository repository = new InMemoryMetricsRepository();
    history.forEach((date, values) -> {
      Map<Analyzer<?, Metric<?>>, Metric<?>> metrics = new HashMap<>();
      for (Tracked t : tracked) {
        Double v = values.get(t.metric());
        if (v != null) {
          metrics.put(t.analyzer(), metric(t.analyzer(), v));
        }
      }
      if (!metrics.isEmpty()) {
        repository.save(new ResultKey(date.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli(),
            emptyTags()), new AnalyzerContext(scalaMap(metrics)));
      }
    });
    return repository;
  }

  /** The metric {@code analyzer} would have produced with value {@code v}. */
  private static Metric<?> metric(Analyzer<?, Metric<?>> analyzer, double v) {
    Object a = analyzer;
    if (a instanceof Mean mean) {
      return new DoubleMetric(Entity.Column(), "Mean", mean.column(), new Success<>(v),
          Option.empty());
    }
    return new DoubleMetric(Entity.Dataset(), "Size", "*", new Success<>(v), Option.empty());
  }

  private static scala.collection.immutable.Map<String, String> emptyTags() {
    return scala.collection.immutable.Map$.MODULE$.empty();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static <K, V> scala.collection.immutable.Map<K, V> scalaMap(Map<K, V> m) {
    return (scala.collection.immutable.Map) scala.collection.immutable.Map$.MODULE$.apply(
        JavaConverters.asScalaBuffer(m.entrySet().stream()
            .map(e -> new scala.Tuple2<>(e.getKey(), e.getValue())).toList()).toSeq());
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static <T> T cast(Object analyzer) {
    return (T) analyzer;
  }
}
