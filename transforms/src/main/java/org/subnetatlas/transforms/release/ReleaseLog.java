package org.subnetatlas.transforms.release;

import static org.apache.spark.sql.functions.col;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.subnetatlas.schemas.RowBuilder;
import org.subnetatlas.schemas.Tables.Releases;
import org.subnetatlas.transforms.DeltaWrites;
import org.subnetatlas.transforms.DeltaWrites.OnMatch;
import org.subnetatlas.transforms.ReleaseBuilder.Release;
import org.subnetatlas.transforms.ReleaseBuilder.Spec;

/** {@code atlas.releases}: one row per tag, which is how a release is rebuilt when its folder is gone. */
public final class ReleaseLog {

  private ReleaseLog() {}

  /** The versions {@code tag} was pinned at, or null when it was never released. */
  public static Map<String, Long> recordedVersions(SparkSession spark, String tag) {
    List<Row> rows = spark.table(Releases.TABLE.qualifiedName())
        .filter(col(Releases.TAG).equalTo(tag)).select(Releases.TABLE_VERSIONS).collectAsList();
    return rows.isEmpty() ? null : new TreeMap<>(rows.get(0).<String, Long>getJavaMap(0));
  }

  /** The recorded {@link Release#filesSha256} of a released tag. */
  public static String recordedFilesSha(SparkSession spark, String tag) {
    return spark.table(Releases.TABLE.qualifiedName()).filter(col(Releases.TAG).equalTo(tag))
        .select(Releases.FILES_SHA256).head().getString(0);
  }

  /** Records {@code r}; a tag already recorded keeps its first row. */
  public static void record(SparkSession spark, Spec spec, Release r) {
    Row row = RowBuilder.of(Releases.TABLE.schema())
        .set(Releases.TAG, spec.tag())
        .set(Releases.BUILD_DATE, spec.buildDate() == null ? null : Date.valueOf(spec.buildDate()))
        .set(Releases.TABLE_VERSIONS,
            scala.collection.JavaConverters.mapAsScalaMap(new TreeMap<>(r.versions())))
        .set(Releases.MANIFEST_SHA256, r.manifestSha256())
        .set(Releases.FILES_SHA256, r.filesSha256())
        .set(Releases.FILE_COUNT, r.files().size())
        .set(Releases.LOCATION, r.location())
        .set(Releases.CODE_VERSION, spec.codeVersion())
        .set(Releases.CREATED_AT, Timestamp.from(Instant.now()))
        .build();
    DeltaWrites.merge(spark, Releases.TABLE,
        spark.createDataFrame(List.of(row), Releases.TABLE.schema()), OnMatch.KEEP);
  }
}
