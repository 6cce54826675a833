package org.subnetatlas.transforms;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import com.amazon.deequ.VerificationResult;
import com.amazon.deequ.VerificationRunBuilder;
import com.amazon.deequ.VerificationSuite;
import com.amazon.deequ.analyzers.Analyzer;
import com.amazon.deequ.analyzers.Mean;
import com.amazon.deequ.analyzers.Size;
import com.amazon.deequ.checks.Check;
import com.amazon.deequ.checks.CheckLevel;
import com.amazon.deequ.checks.CheckResult;
import com.amazon.deequ.constraints.ConstraintResult;
import com.amazon.deequ.metrics.Metric;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import scala.Option;
import scala.collection.JavaConverters;
import scala.collection.Seq;
import scala.runtime.AbstractFunction1;

/**
 * Deequ from plain Java: one table's checks declared with Java types, run in one Deequ
 * verification pass, answered as Java records. Each rule also knows how to find its offending
 * rows, which Deequ's metrics do not name.
 *
 * <pre>{@code
 * DataChecks.Report r = DataChecks.on("measurements", rows)
 *     .complete("arch_id", "device_id")
 *     .unique("arch_id", "device_id")
 *     .satisfies("top1 in [0, 1]", "top1 >= 0 AND top1 <= 1")
 *     .mean("top1")
 *     .run();
 * }</pre>
 *
 * <p>The Scala plumbing (default arguments, {@code Function1}, {@code Seq}, {@code Option}) stays in
 * this class.
 */
public final class DataChecks {

  /** Result of one rule: {@code offending} is null when the rule passed. */
  public record Outcome(String table, String check, boolean passed, String message,
      Dataset<Row> offending) {}

  /** Every rule's outcome and the metrics computed in the same pass ({@code rows}, {@code mean(c)}). */
  public record Report(List<Outcome> outcomes, Map<String, Double> metrics) {
    public boolean passed() {
      return outcomes.stream().allMatch(Outcome::passed);
    }
  }

  private record Rule(String name, Check check, UnaryOperator<Dataset<Row>> offending) {}

  private final String table;
  private final Dataset<Row> data;
  private final List<Rule> rules = new ArrayList<>();
  private final List<String> means = new ArrayList<>();

  private DataChecks(String table, Dataset<Row> data) {
    this.table = requireNonNull(table, "table");
    this.data = requireNonNull(data, "data");
  }

  /** Checks on {@code data}, reported under {@code table}. */
  public static DataChecks on(String table, Dataset<Row> data) {
    return new DataChecks(table, data);
  }

  /** Every value of each column is present. */
  public DataChecks complete(String... columns) {
    for (String c : columns) {
      rules.add(new Rule("complete(" + c + ")",
          newCheck("complete(" + c + ")").isComplete(c, Option.empty(), Option.empty()),
          d -> d.filter(col(c).isNull())));
    }
    return this;
  }

  /** No two rows share the values of {@code key}. Offending rows: every row of a repeated key. */
  public DataChecks unique(String... key) {
    String name = "unique(" + String.join(", ", key) + ")";
    Column[] keyCols = Arrays.stream(key).map(org.apache.spark.sql.functions::col)
        .toArray(Column[]::new);
    rules.add(new Rule(name,
        newCheck(name).hasUniqueness(seq(List.of(key)), equalsOne(), Option.empty()),
        d -> d.withColumn("_key_rows", count(lit(1)).over(Window.partitionBy(keyCols)))
            .filter(col("_key_rows").gt(1))
            .drop("_key_rows")));
    return this;
  }

  /**
   * Every row satisfies the SQL condition; a row where it is null counts as failing, so write
   * {@code c IS NULL OR ...} for columns that may be empty.
   */
  public DataChecks satisfies(String name, String sqlCondition) {
    rules.add(new Rule(name,
        newCheck(name).satisfies(sqlCondition, name, equalsOne(), Option.empty(),
            scala.collection.immutable.List$.MODULE$.empty(), Option.empty()),
        d -> d.filter(expr("NOT coalesce(" + sqlCondition + ", false)"))));
    return this;
  }

  /** The data has at least one row. */
  public DataChecks nonEmpty() {
    rules.add(new Rule("non-empty",
        newCheck("non-empty").hasSize(new Assertion(AssertionKind.POSITIVE), Option.empty()),
        d -> d.limit(0)));
    return this;
  }

  /** Also computes {@code mean(column)} in the same pass (reported in {@link Report#metrics}). */
  public DataChecks mean(String column) {
    means.add(column);
    return this;
  }

  /** Runs every rule in one Deequ verification. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public Report run() {
    VerificationRunBuilder builder = new VerificationSuite().onData(data);
    for (Rule r : rules) {
      builder = builder.addCheck(r.check());
    }
    Analyzer size = new Size(Option.empty());
    builder = builder.addRequiredAnalyzer(size);
    Map<String, Analyzer> meanAnalyzers = new LinkedHashMap<>();
    for (String c : means) {
      Analyzer m = new Mean(c, Option.empty());
      meanAnalyzers.put(c, m);
      builder = builder.addRequiredAnalyzer(m);
    }
    VerificationResult result = builder.run();

    Map<Check, CheckResult> byCheck = JavaConverters.mapAsJavaMap(result.checkResults());
    List<Outcome> outcomes = new ArrayList<>();
    for (Rule r : rules) {
      CheckResult cr = byCheck.get(r.check());
      boolean passed = true;
      StringBuilder message = new StringBuilder();
      for (ConstraintResult c : JavaConverters.seqAsJavaList(cr.constraintResults())) {
        if (!"Success".equals(c.status().toString())) {
          passed = false;
          message.append(c.message().isDefined() ? c.message().get() : c.status().toString());
        }
      }
      outcomes.add(new Outcome(table, r.name(), passed, passed ? "ok" : message.toString(),
          passed ? null : r.offending().apply(data)));
    }
    Map<Analyzer, Metric> metrics = (Map) JavaConverters.mapAsJavaMap(result.metrics());
    Map<String, Double> values = new LinkedHashMap<>();
    values.put("rows", metricValue(metrics.get(size)));
    meanAnalyzers.forEach((c, a) -> values.put("mean(" + c + ")", metricValue(metrics.get(a))));
    return new Report(List.copyOf(outcomes), values);
  }

  private static Double metricValue(Metric<?> m) {
    if (m == null || m.value().isFailure()) {
      return null;
    }
    Object v = m.value().get();
    return v instanceof Number n ? n.doubleValue() : null;
  }

  private static Check newCheck(String description) {
    return new Check(CheckLevel.Error(), description,
        JavaConverters.asScalaBuffer(new ArrayList<com.amazon.deequ.constraints.Constraint>()).toSeq());
  }

  private static Seq<String> seq(List<String> values) {
    return JavaConverters.asScalaBuffer(new ArrayList<>(values)).toSeq();
  }

  private static Assertion equalsOne() {
    return new Assertion(AssertionKind.EQUALS_ONE);
  }

  private enum AssertionKind { EQUALS_ONE, POSITIVE }

  /** A Deequ assertion ({@code Double => Boolean} or {@code Long => Boolean}) as a Scala function. */
  private static final class Assertion extends AbstractFunction1<Object, Object>
      implements Serializable {
    private static final long serialVersionUID = 1L;
    private final AssertionKind kind;

    Assertion(AssertionKind kind) {
      this.kind = kind;
    }

    @Override
    public Object apply(Object value) {
      double v = ((Number) value).doubleValue();
      return switch (kind) {
        case EQUALS_ONE -> v == 1.0;
        case POSITIVE -> v > 0;
      };
    }
  }
}
