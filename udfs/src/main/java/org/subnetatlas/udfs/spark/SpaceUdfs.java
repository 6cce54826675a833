package org.subnetatlas.udfs.spark;

import static org.apache.spark.sql.types.DataTypes.LongType;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF2;
import org.subnetatlas.spaces.SearchSpace;
import org.subnetatlas.spaces.Spaces;

/**
 * Analytic cost as SQL functions: {@code atlas_macs(space, encoding)} and
 * {@code atlas_params(space, encoding)}. Null in, null out; an encoding that is not an arch of the
 * space fails the query with a message naming the field.
 */
public final class SpaceUdfs {

  public static final String MACS = "atlas_macs";
  public static final String PARAMS = "atlas_params";

  private SpaceUdfs() {}

  public static void register(SparkSession spark) {
    spark.udf().register(MACS, (UDF2<String, String, Long>) (space, encoding) ->
        space == null || encoding == null ? null : costOf(space, encoding, true), LongType);
    spark.udf().register(PARAMS, (UDF2<String, String, Long>) (space, encoding) ->
        space == null || encoding == null ? null : costOf(space, encoding, false), LongType);
  }

  static long costOf(String spaceName, String encoding, boolean macs) {
    SearchSpace space = Spaces.get(spaceName);
    var cost = space.cost(space.parse(encoding));
    return macs ? cost.macs() : cost.params();
  }
}
