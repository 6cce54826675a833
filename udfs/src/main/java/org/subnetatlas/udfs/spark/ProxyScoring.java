package org.subnetatlas.udfs.spark;


import java.sql.Timestamp;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.subnetatlas.schemas.PredictorTables.ArchFeatures;
import org.subnetatlas.schemas.RowBuilder;
import org.subnetatlas.schemas.Tables.Architectures;
import org.subnetatlas.spaces.MbArch;
import org.subnetatlas.spaces.SearchSpace;
import org.subnetatlas.spaces.Spaces;
import org.subnetatlas.udfs.nets.DjlRuntime;
import org.subnetatlas.udfs.prediction.ZeroCostProxies;

/**
 * Zero-cost proxies per partition: rows with {@code arch_id} and {@code encoding} in, rows of
 * {@code atlas.arch_features} out. The random supernet is built once per executor and shared by
 * its tasks; the proxies take the JVM's training lock, so tasks of one executor score in turn.
 */
public final class ProxyScoring extends PartitionTask {

  private static final long serialVersionUID = 1L;

  /** Rows of {@code atlas.arch_features}, as its declaration lays them out. */
  public static final StructType RESULT_SCHEMA = ArchFeatures.TABLE.schema();

  private static final ConcurrentHashMap<String, ZeroCostProxies> PROXIES = new ConcurrentHashMap<>();

  private final String dataUri;
  private final long seed;
  private final int batch;

  public ProxyScoring(String spaceName, String dataUri, long seed, int batch) {
    super(spaceName, null);
    this.dataUri = dataUri;
    this.seed = seed;
    this.batch = batch;
  }

  /** The executor's proxy scorer for (space, data, seed, batch), built once. */
  public static ZeroCostProxies proxies(String spaceName, String dataUri, long seed, int batch) {
    return PROXIES.computeIfAbsent(spaceName + "|" + dataUri + "|" + seed + "|" + batch, k ->
        new ZeroCostProxies(org.subnetatlas.udfs.prediction.FeatureEncoder.mbSpace(Spaces.get(spaceName)).spec(),
            ExecutorCache.data(dataUri), seed, batch));
  }

  @Override
  protected List<Row> partition(Iterator<Row> rows) throws Exception {
    // one intra-op thread: identical numbers in the job and in the SQL function
    DjlRuntime.setIntraOpThreads(1);
    SearchSpace space = Spaces.get(spaceName);
    ZeroCostProxies scorer = proxies(spaceName, dataUri, seed, batch);
    return mapEach(rows, in -> {
      MbArch arch = (MbArch) space.parse((String) in.getAs(Architectures.ENCODING));
      ZeroCostProxies.Scores s = scorer.score(arch);
      return RowBuilder.of(RESULT_SCHEMA)
          .set(ArchFeatures.ARCH_ID, in.getAs(Architectures.ARCH_ID))
          .set(ArchFeatures.SPACE, spaceName)
          .set(ArchFeatures.SYNFLOW, s.synflow())
          .set(ArchFeatures.SNIP, s.snip())
          .set(ArchFeatures.GRAD_NORM, s.gradNorm())
          .set(ArchFeatures.PROXY_SEED, seed)
          .set(ArchFeatures.PROXY_BATCH, batch)
          .set(ArchFeatures.PROXY_MS, s.millis())
          .set(ArchFeatures.COMPUTED_AT, Timestamp.from(Instant.now()))
          .build();
    });
  }
}
