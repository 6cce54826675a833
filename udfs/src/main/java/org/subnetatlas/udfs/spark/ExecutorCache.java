package org.subnetatlas.udfs.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.fs.Path;
import org.subnetatlas.spaces.MbConvSpace;
import org.subnetatlas.spaces.Spaces;
import org.subnetatlas.spaces.StitchedSpace;
import org.subnetatlas.udfs.evaluation.EvalConfig;
import org.subnetatlas.udfs.data.FashionData;
import org.subnetatlas.udfs.data.HadoopConf;
import org.subnetatlas.udfs.evaluation.SubnetEvaluator;
import org.subnetatlas.udfs.evaluation.TrainedStitches;
import org.subnetatlas.udfs.evaluation.TrainedSupernet;

/**
 * What an executor loads once and shares between its tasks: decoded data sets, supernets and
 * their evaluators, stitched families. Tasks of one executor run in threads of one JVM, so the
 * first task loads and the others wait for it instead of loading again.
 */
public final class ExecutorCache {

  private static final ConcurrentHashMap<String, FashionData> DATA = new ConcurrentHashMap<>();
  private static final ConcurrentHashMap<String, TrainedSupernet> SUPERNETS = new ConcurrentHashMap<>();
  private static final ConcurrentHashMap<String, TrainedStitches> STITCHES = new ConcurrentHashMap<>();
  private static final ConcurrentHashMap<String, SubnetEvaluator> EVALUATORS = new ConcurrentHashMap<>();

  private ExecutorCache() {}

  /** The data set under {@code uri}, decoded once per executor. */
  public static FashionData data(String uri) {
    return DATA.computeIfAbsent(uri, u -> {
      try {
        return FashionData.load(u);
      } catch (IOException e) {
        throw new UncheckedIOException("data " + u + ": " + e.getMessage(), e);
      }
    });
  }

  /** The supernet checkpoint at {@code uri} for space {@code spaceName}, loaded once. */
  public static TrainedSupernet supernet(String spaceName, String uri) {
    return SUPERNETS.computeIfAbsent(uri, u -> {
      if (!(Spaces.get(spaceName) instanceof MbConvSpace mb)) {
        throw new IllegalArgumentException("space " + spaceName + " has no trainable supernet");
      }
      return checkpoint(u, in -> TrainedSupernet.load(mb.spec(), in));
    });
  }

  /** The stitched family checkpoint at {@code uri} for space {@code spaceName}, loaded once. */
  public static TrainedStitches stitches(String spaceName, String uri) {
    return STITCHES.computeIfAbsent(uri, u -> {
      if (!(Spaces.get(spaceName) instanceof StitchedSpace s)) {
        throw new IllegalArgumentException("space " + spaceName + " is not a stitched family");
      }
      return checkpoint(u, in -> TrainedStitches.load(s, in));
    });
  }

  /** Reads a checkpoint; how to read it is the family's. */
  @FunctionalInterface
  private interface CheckpointReader<T> {
    T read(InputStream in) throws IOException;
  }

  private static <T> T checkpoint(String uri, CheckpointReader<T> reader) {
    Path path = new Path(uri);
    try (InputStream in = path.getFileSystem(HadoopConf.current()).open(path)) {
      return reader.read(in);
    } catch (IOException e) {
      throw new UncheckedIOException("checkpoint " + uri + ": " + e.getMessage(), e);
    }
  }

  /** Registers a supernet this executor has just trained and saved at {@code uri}. */
  static void put(String uri, TrainedSupernet net) {
    TrainedSupernet old = SUPERNETS.put(uri, net);
    EVALUATORS.keySet().removeIf(k -> k.startsWith(uri + "|"));
    if (old != null && old != net) {
      old.close();
    }
  }

  /** One evaluator per (checkpoint, data, config); evaluators are safe to share between threads. */
  public static SubnetEvaluator evaluator(String spaceName, String checkpointUri, String dataUri,
      EvalConfig config) {
    return evaluator(spaceName, checkpointUri, dataUri, config, "valid");
  }

  /** The evaluator that scores on {@code split} of the data, one per (checkpoint, data, config, split). */
  public static SubnetEvaluator evaluator(String spaceName, String checkpointUri, String dataUri,
      EvalConfig config, String split) {
    String key = checkpointUri + "|" + dataUri + "|" + config + "|" + split;
    return EVALUATORS.computeIfAbsent(key, k ->
        new SubnetEvaluator(supernet(spaceName, checkpointUri), data(dataUri), split, config));
  }
}
