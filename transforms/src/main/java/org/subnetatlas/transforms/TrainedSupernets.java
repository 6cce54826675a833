package org.subnetatlas.transforms;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.subnetatlas.schemas.Tables;

/** Reads of {@code atlas.supernets} that several stages share. */
public final class TrainedSupernets {

  private TrainedSupernets() {}

  /**
   * The supernet of {@code space} trained last for {@code buildDate}.
   *
   * @throws BadInputException when none was trained for that date
   */
  public static Row latest(SparkSession spark, String space, LocalDate buildDate) {
    List<Row> rows = spark.table(Tables.Supernets.TABLE.qualifiedName())
        .where(col(Tables.Supernets.SPACE).equalTo(space)
            .and(col(Tables.Supernets.BUILD_DATE).equalTo(lit(Date.valueOf(buildDate)))))
        .orderBy(col(Tables.Supernets.CREATED_AT).desc())
        .limit(1)
        .collectAsList();
    if (rows.isEmpty()) {
      throw new BadInputException("no supernet of " + space + " trained for " + buildDate
          + "; run `atlas train-supernet --date " + buildDate + "` first");
    }
    return rows.get(0);
  }
}
