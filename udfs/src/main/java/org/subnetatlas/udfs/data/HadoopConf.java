package org.subnetatlas.udfs.data;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkEnv;
import scala.Tuple2;

/**
 * Hadoop settings for file-system access from code that has no Spark session at hand (executors,
 * partition functions): the application's {@code spark.hadoop.*} keys on top of Hadoop's defaults.
 * A bare {@code new Configuration()} on an executor JVM would miss them, and an {@code s3a://}
 * warehouse would then be read from the default AWS endpoint instead of the configured one.
 */
public final class HadoopConf {

  private static final String PREFIX = "spark.hadoop.";

  private HadoopConf() {}

  /** Hadoop defaults plus the running application's {@code spark.hadoop.*} settings, if any. */
  public static Configuration current() {
    Configuration conf = new Configuration();
    SparkEnv env = SparkEnv.get();
    if (env != null) {
      for (Tuple2<String, String> kv : env.conf().getAll()) {
        if (kv._1().startsWith(PREFIX)) {
          conf.set(kv._1().substring(PREFIX.length()), kv._2());
        }
      }
    }
    return conf;
  }
}
