package org.subnetatlas.jobs.sql;

import static org.apache.spark.sql.functions.udf;

import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.subnetatlas.jobs.settings.CommonKeys;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.subnetatlas.jobs.AtlasConfig;
import org.subnetatlas.jobs.AtlasSession;
import org.subnetatlas.udfs.spark.EvaluateUdf;
import scala.Tuple3;
import scala.collection.JavaConverters;
import scala.collection.Seq;
import scala.runtime.AbstractFunction1;
import scala.runtime.BoxedUnit;

/**
 * The analysts' SQL surfaces' session extension (listed in {@code spark.sql.extensions} by
 * {@link AtlasSession#openForAnalysts}): {@link SqlGuard} as a check rule, which Spark runs on
 * every analysed plan before any command executes, and {@code atlas_evaluate} as a function. An
 * extension reaches every session that shares the Spark context, including the Thrift server's
 * per-connection sessions, which UDFs registered on one session do not reach.
 */
public final class SqlGuardExtension extends AbstractFunction1<SparkSessionExtensions, BoxedUnit> {

  @Override
  public BoxedUnit apply(SparkSessionExtensions extensions) {
    extensions.injectCheckRule(session -> {
      SqlPolicy policy = SqlPolicy.fromConf(session.sparkContext().getConf());
      return plan -> {
        SqlGuard.check(plan, policy);
        return BoxedUnit.UNIT;
      };
    });
    extensions.injectFunction(new Tuple3<>(new FunctionIdentifier(EvaluateUdf.NAME),
        new ExpressionInfo(EvaluateUdf.class.getName(), EvaluateUdf.NAME),
        SqlGuardExtension::evaluateCall));
    return BoxedUnit.UNIT;
  }

  /** A call of {@code atlas_evaluate}; the guard decides whether it may run. */
  private static Expression evaluateCall(Seq<Expression> arguments) {
    SparkConf conf = SparkEnv.get().conf();
    UserDefinedFunction f = udf(EvaluateUdf.function(conf.get(AtlasConfig.WAREHOUSE),
        conf.get(AtlasConfig.DATA, null), conf.get(CommonKeys.DEVICE.key(), "auto")),
        EvaluateUdf.RESULT).withName(EvaluateUdf.NAME);
    Column[] columns = JavaConverters.seqAsJavaList(arguments).stream().map(Column::new)
        .toArray(Column[]::new);
    return f.apply(columns).expr();
  }
}
