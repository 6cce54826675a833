package org.subnetatlas.transforms.prediction;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subnetatlas.schemas.PredictorTables.Predictors;
import org.subnetatlas.schemas.RowBuilder;

/**
 * Which of a date's predictors is best per target: the highest Kendall tau on the selection
 * split, so the test split's figures stay untouched by the choice. Chosen over every row the date
 * holds so that one MERGE leaves exactly one best per target.
 */
public final class BestPredictors {

  private static final Logger LOG = LoggerFactory.getLogger(BestPredictors.class);
  private static final StructType SCHEMA = Predictors.TABLE.schema();

  private BestPredictors() {}

  /**
   * The date's stored rows of {@code space} that this run did not retrain (a run with fewer
   * models or feature sets), with is_best cleared: {@link #markBest} then picks the best over
   * everything the date holds.
   */
  public static List<Row> notRetrained(SparkSession spark, LocalDate buildDate, String space,
      List<Row> retrained) {
    Set<List<String>> keys = new HashSet<>();
    for (Row r : retrained) {
      keys.add(predictorKey(r));
    }
    List<Row> kept = new ArrayList<>();
    if (!spark.catalog().tableExists(Predictors.TABLE.qualifiedName())) {
      return kept;
    }
    for (Row r : spark.table(Predictors.TABLE.qualifiedName())
        .where(col(Predictors.BUILD_DATE).equalTo(lit(Date.valueOf(buildDate)))
            .and(col(Predictors.SPACE).equalTo(space)))
        .select(Arrays.stream(SCHEMA.fieldNames()).map(c -> col(c)).toArray(Column[]::new))
        .collectAsList()) {
      if (!keys.contains(predictorKey(r))) {
        kept.add(withIsBest(r, false));
      }
    }
    return kept;
  }

  /** The row's MERGE key, as atlas.predictors declares it. */
  static List<String> predictorKey(Row r) {
    List<String> key = new ArrayList<>();
    for (String c : Predictors.TABLE.keyColumns()) {
      key.add(String.valueOf(r.get(SCHEMA.fieldIndex(c))));  // dates compare as text
    }
    return key;
  }

  /** {@code r}, an atlas.predictors row, with is_best set to {@code best}. */
  static Row withIsBest(Row r, boolean best) {
    RowBuilder b = RowBuilder.of(SCHEMA);
    for (String c : SCHEMA.fieldNames()) {
      b.set(c, r.get(SCHEMA.fieldIndex(c)));
    }
    return b.set(Predictors.IS_BEST, best).build();
  }

  /**
   * Sets is_best on the highest selection-split Kendall tau per target (null counts as lowest; of
   * equal ones the first in {@code rows} wins).
   */
  public static void markBest(List<Row> rows) {
    Map<String, Row> best = new HashMap<>();
    Comparator<Row> byTau = Comparator.comparingDouble(BestPredictors::selectionTauOrBelowAny);
    for (Row r : rows) {
      best.merge(r.getAs(Predictors.TARGET), r, (a, b) -> byTau.compare(b, a) > 0 ? b : a);
    }
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      if (best.get(r.<String>getAs(Predictors.TARGET)) == r) {
        rows.set(i, withIsBest(r, true));
      }
    }
    best.forEach((t, r) -> LOG.info("train-predictor: best {} predictor: {} on {}, chosen at "
            + "selection Kendall tau {}; its test Kendall tau {}", t, r.getAs(Predictors.MODEL),
        r.getAs(Predictors.FEATURE_SET), PredictorFits.fmt(tau(r, Predictors.SELECTION_KENDALL_TAU)),
        PredictorFits.fmt(tau(r, Predictors.KENDALL_TAU))));
  }

  private static double tau(Row r, String column) {
    int i = SCHEMA.fieldIndex(column);
    return r.isNullAt(i) ? Double.NaN : r.getDouble(i);
  }

  private static double selectionTauOrBelowAny(Row r) {
    double tau = tau(r, Predictors.SELECTION_KENDALL_TAU);
    return Double.isNaN(tau) ? -2 : tau;
  }
}
