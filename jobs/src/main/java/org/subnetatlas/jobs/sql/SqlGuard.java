package org.subnetatlas.jobs.sql;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.apache.spark.sql.catalyst.analysis.LocalTempView$;
import org.apache.spark.sql.catalyst.expressions.CallMethodViaReflection;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ScalaUDF;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.command.CreateViewCommand;
import org.apache.spark.sql.execution.command.DropTempViewCommand;
import org.apache.spark.sql.execution.command.SetCommand;
import org.subnetatlas.udfs.spark.EvaluateUdf;
import scala.collection.JavaConverters;
import scala.runtime.BoxedUnit;

/**
 * Decides on an analysed logical plan whether the analysts' SQL surfaces run it. An allow-list:
 * a plan runs when every node is a query operator or a table reference, or when its root is one
 * of a few commands that change nothing persistent (SHOW, DESCRIBE, EXPLAIN, USE, SET of a query
 * setting, local temporary views). Anything else, including write commands that Spark or Delta
 * add later, is refused. Deciding on the plan rather than the text makes comments, case and
 * syntax variants irrelevant.
 *
 * <p>Local temporary views are allowed: they live in one session, persist nothing, and their
 * query is checked here like any other (and again whenever it is read). Global temporary views
 * are refused: every session of a shared server sees them.
 */
public final class SqlGuard {

  private static final String LOGICAL = "org.apache.spark.sql.catalyst.plans.logical.";
  private static final String ANALYSIS = "org.apache.spark.sql.catalyst.analysis.";
  private static final String COMMAND = "org.apache.spark.sql.execution.command.";
  private static final String DELTA = "org.apache.spark.sql.delta.commands.";

  /** Operators that compute rows from rows, and the relations they read. */
  private static final Set<String> QUERY_NODES = names(
      LOGICAL, "Project", "Filter", "Aggregate", "Join", "LateralJoin", "Window", "Sort",
      "GlobalLimit", "LocalLimit", "Offset", "Tail", "Union", "Intersect", "Except", "Distinct",
      "Deduplicate", "SubqueryAlias", "View", "WithCTE", "CTERelationDef", "CTERelationRef",
      "Generate", "Expand", "Sample", "Repartition", "RepartitionByExpression",
      "RebalancePartitions", "LocalRelation", "OneRowRelation", "Range", "WithWindowDefinition",
      "Subquery", "CollectMetrics",
      // typed Dataset operators: not reachable from SQL, but Delta reads its log with them
      "DeserializeToObject", "SerializeFromObject", "MapPartitions", "MapElements", "TypedFilter",
      "AppendColumns", "AppendColumnsWithObject", "MapGroups", "CoGroup");
  private static final Set<String> RELATIONS = Set.of(
      "org.apache.spark.sql.execution.datasources.LogicalRelation",
      "org.apache.spark.sql.execution.LogicalRDD",
      "org.apache.spark.sql.catalyst.catalog.HiveTableRelation",
      "org.apache.spark.sql.execution.datasources.v2.DataSourceV2Relation");
  /** What SHOW and DESCRIBE name as their subject. */
  private static final Set<String> RESOLVED = names(ANALYSIS, "ResolvedTable",
      "ResolvedNamespace", "ResolvedPersistentView", "ResolvedTempView", "ResolvedPersistentFunc",
      "ResolvedNonPersistentFunc");
  /** Commands that only look, or change only the caller's own session. */
  private static final Set<String> COMMANDS = union(
      names(LOGICAL, "ShowTables", "ShowTablesExtended", "ShowNamespaces", "ShowCreateTable",
          "ShowTableProperties", "ShowPartitions", "ShowColumns", "ShowFunctions", "ShowViews",
          "DescribeRelation", "DescribeColumn", "DescribeNamespace", "DescribeFunction",
          "SetCatalogAndNamespace", "RefreshTable"),
      names(COMMAND, "ShowTablesCommand", "ShowColumnsCommand", "ShowPartitionsCommand",
          "ShowCreateTableCommand", "ShowCreateTableAsSerdeCommand", "ShowTablePropertiesCommand",
          "ShowFunctionsCommand", "ShowViewsCommand", "ShowCurrentNamespaceCommand",
          "ShowCatalogsCommand", "ShowNamespacesCommand", "DescribeTableCommand",
          "DescribeColumnCommand", "DescribeDatabaseCommand", "DescribeFunctionCommand",
          "DescribeQueryCommand", "ExplainCommand", "SetCommand", "ResetCommand",
          "SetNamespaceCommand", "ListJarsCommand", "ListFilesCommand", "ListArchivesCommand",
          "RefreshTableCommand", "DropTempViewCommand", "CreateViewCommand"),
      names(DELTA, "ShowDeltaTableColumnsCommand", "DescribeDeltaHistoryCommand",
          "DescribeDeltaDetailCommand"));

  private static final String HINT = "; analysts' SQL is read-only (--allow-writes lifts this)";

  private SqlGuard() {}

  /** Throws {@link SqlRefusedException} when {@code plan} may not run under {@code policy}. */
  static void check(LogicalPlan plan, SqlPolicy policy) {
    if (policy.readOnly()) {
      refusal(plan).ifPresent(reason -> {
        throw new SqlRefusedException("refused: " + reason + HINT);
      });
    }
    checkEvaluate(plan, policy);
  }

  /** Why a read-only surface refuses {@code plan}, or empty when it may run. */
  static Optional<String> refusal(LogicalPlan plan) {
    String root = plan.getClass().getName();
    if (COMMANDS.contains(root)) {
      Optional<String> special = commandRefusal(plan);
      if (special.isPresent()) {
        return special;
      }
      for (LogicalPlan child : list(plan.children())) {
        Optional<String> r = queryRefusal(child);
        if (r.isPresent()) {
          return r;
        }
      }
      return Optional.empty();
    }
    return queryRefusal(plan);
  }

  private static Optional<String> queryRefusal(LogicalPlan plan) {
    for (LogicalPlan node : nodes(plan)) {
      String name = node.getClass().getName();
      if (!QUERY_NODES.contains(name) && !RELATIONS.contains(name) && !RESOLVED.contains(name)) {
        return Optional.of(kind(node) + " " + reason(kind(node)));
      }
      if (count(node, e -> e instanceof CallMethodViaReflection) > 0) {
        return Optional.of("reflect/java_method calls Java methods by reflection");
      }
    }
    return Optional.empty();
  }

  private static Optional<String> commandRefusal(LogicalPlan plan) {
    if (plan instanceof SetCommand set && set.kv().isDefined() && set.kv().get()._2().isDefined()) {
      String key = set.kv().get()._1();
      // catalog plug-ins and Hadoop settings name classes to load; query settings do not
      if (!key.startsWith("spark.sql.") || key.startsWith("spark.sql.catalog.")) {
        return Optional.of("SET " + key + " changes more than a query setting (only spark.sql.* settings may be set)");
      }
    }
    if (plan instanceof CreateViewCommand view) {
      if (view.viewType() != LocalTempView$.MODULE$) {
        String what = view.viewType().toString().equals("GlobalTempView")
            ? "a global temporary view, seen by every session" : "a view in the catalog";
        return Optional.of("CreateView creates " + what + " (temporary views are allowed)");
      }
      return queryRefusal(view.plan());
    }
    if (plan instanceof DropTempViewCommand drop && drop.ident().namespace().length > 0) {
      return Optional.of("DropTempView drops a global temporary view, seen by every session");
    }
    return Optional.empty();
  }

  private static void checkEvaluate(LogicalPlan plan, SqlPolicy policy) {
    if (policy.evaluate() && policy.maxEvaluateRows() <= 0) {
      return;
    }
    long total = 0;
    for (LogicalPlan node : nodes(plan)) {
      int calls = count(node, SqlGuard::isEvaluate);
      if (calls == 0) {
        continue;
      }
      if (!policy.evaluate()) {
        throw new SqlRefusedException("refused: " + EvaluateUdf.NAME + " is off on this endpoint "
            + "(serve-sql --enable-evaluate turns it on)");
      }
      Optional<Long> rows = inputRows(node);
      total = rows.isPresent() ? total + calls * rows.get() : Long.MAX_VALUE;
      if (total > policy.maxEvaluateRows() || total < 0) {
        throw new SqlRefusedException("refused: " + EvaluateUdf.NAME + " may evaluate at most "
            + policy.maxEvaluateRows() + " rows per statement here, and this statement's are "
            + (rows.isPresent() ? "up to " + total : "not bounded")
            + "; bound its input with LIMIT, e.g. FROM (SELECT … LIMIT " + policy.maxEvaluateRows() + ")");
      }
    }
  }

  /** The most rows {@code node} evaluates its expressions on, when Spark can bound them. */
  private static Optional<Long> inputRows(LogicalPlan node) {
    List<LogicalPlan> children = list(node.children());
    if (children.isEmpty()) {
      return maxRows(node);
    }
    long rows = 1;  // a join's condition sees pairs of rows: the product bounds every operator
    for (LogicalPlan child : children) {
      Optional<Long> r = maxRows(child);
      if (r.isEmpty()) {
        return Optional.empty();
      }
      rows = r.get() > 0 && rows > Long.MAX_VALUE / r.get() ? Long.MAX_VALUE : rows * r.get();
    }
    return Optional.of(rows);
  }

  private static Optional<Long> maxRows(LogicalPlan plan) {
    scala.Option<Object> m = plan.maxRows();
    return m.isDefined() ? Optional.of((Long) m.get()) : Optional.empty();
  }

  private static boolean isEvaluate(Expression e) {
    return e instanceof ScalaUDF udf && udf.udfName().isDefined()
        && EvaluateUdf.NAME.equalsIgnoreCase(udf.udfName().get());
  }

  /** Every node of {@code plan}, with the plans of subquery expressions. */
  private static List<LogicalPlan> nodes(LogicalPlan plan) {
    List<LogicalPlan> out = new java.util.ArrayList<>();
    collect(plan, out);
    return out;
  }

  private static void collect(LogicalPlan plan, List<LogicalPlan> out) {
    out.add(plan);
    list(plan.children()).forEach(c -> collect(c, out));
    list(plan.subqueries()).forEach(s -> collect(s, out));
  }

  private static int count(LogicalPlan node, Predicate<Expression> p) {
    AtomicInteger n = new AtomicInteger();
    for (Expression e : list(node.expressions())) {
      e.foreach(x -> {
        if (p.test(x)) {
          n.incrementAndGet();
        }
        return BoxedUnit.UNIT;
      });
    }
    return n.get();
  }

  /** The statement kind as Spark names it, e.g. {@code DropTable}, {@code MergeInto}. */
  static String kind(LogicalPlan node) {
    return node.getClass().getSimpleName().replaceAll("\\$$", "").replaceAll("Command$", "");
  }

  private static final Pattern CODE = Pattern.compile("AddJars|AddFiles|AddArchives|Function");
  private static final Pattern CACHE = Pattern.compile("Cache");
  private static final Pattern WRITE = Pattern.compile(
      "Insert|Append|Overwrite|Delete|Update|Merge|Truncate|Load|Vacuum|Restore|Optimize|Reorg"
          + "|Convert|Generate|Repair|Analyze|Write|Clone");

  /** Words for what a refused node would do; the decision itself never rests on them. */
  private static String reason(String kind) {
    if (CODE.matcher(kind).find()) {
      return "changes the session's code";
    } else if (kind.equals("ScriptTransformation")) {
      return "runs an external program";
    } else if (CACHE.matcher(kind).find()) {
      return "changes the cache every session shares";
    } else if (WRITE.matcher(kind).find()) {
      return "writes table data or files";
    } else if (kind.matches("(Create|Drop|Alter|Replace|Rename|Set|Add|Comment|Unset).*")) {
      return "changes the catalog";
    }
    return "is not a read-only query";
  }

  private static <T> List<T> list(scala.collection.Seq<T> seq) {
    return JavaConverters.seqAsJavaList(seq);
  }

  private static Set<String> names(String pkg, String... simple) {
    return java.util.Arrays.stream(simple).map(s -> pkg + s).collect(java.util.stream.Collectors.toSet());
  }

  @SafeVarargs
  private static Set<String> union(Set<String>... sets) {
    return java.util.Arrays.stream(sets).flatMap(Set::stream).collect(java.util.stream.Collectors.toSet());
  }
}
