package org.subnetatlas.jobs;

import org.subnetatlas.transforms.BadInputException;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Checks for a warehouse on an object store ({@code s3a://} and the like), made on the driver
 * before Spark starts, so a wrong endpoint or a missing bucket is one clear line and exit 2 rather
 * than a Hive metastore stack trace after minutes of retries.
 *
 * <p>Credentials never come from settings: a key or secret in a properties file or on a command
 * line ends up in shell histories, process lists and audit rows. The AWS provider chain named in
 * {@code fs.s3a.aws.credentials.provider} reads them from the environment (or instance roles).
 */
final class RemoteWarehouse {

  /** Hadoop keys that would carry a credential: {@code fs.s3a.secret.key}, per-bucket forms, … */
  private static final Pattern CREDENTIAL_KEY = Pattern.compile(
      "spark\\.hadoop\\.fs\\.s3a\\.(bucket\\.[^.]+\\.)?(access\\.key|secret\\.key|session\\.token)"
          + "|spark\\.hadoop\\.fs\\.s3[n]?\\.aws(AccessKeyId|SecretAccessKey)");
  private static final String HADOOP = "spark.hadoop.";
  static final String ENDPOINT = HADOOP + "fs.s3a.endpoint";

  private RemoteWarehouse() {}

  static boolean isRemote(String warehouse) {
    return !warehouse.startsWith("file:");
  }

  /**
   * Refuses credentials in settings and proves the store answers: the warehouse root is looked up
   * once with the configured (short) timeouts and retries.
   *
   * @throws BadInputException naming the warehouse, the endpoint and what went wrong
   */
  static void check(AtlasConfig config) {
    String warehouse = config.warehouse();
    if (!isRemote(warehouse)) {
      return;
    }
    for (String key : config.all().keySet()) {
      if (CREDENTIAL_KEY.matcher(key).matches()) {
        throw new BadInputException(key + ": credentials are not read from settings; set "
            + "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment (or use an instance role)");
      }
    }
    Path root = new Path(warehouse);
    String endpoint = config.get(ENDPOINT, "the default AWS endpoint");
    try (FileSystem fs = FileSystem.newInstance(URI.create(warehouse), hadoopConf(config))) {
      fs.exists(root);
    } catch (IOException | RuntimeException e) {
      throw new BadInputException("--warehouse " + warehouse + ": cannot reach the store at "
          + endpoint + " (" + ENDPOINT + "): " + AtlasCli.rootMessage(e), e);
    }
  }

  /** The {@code spark.hadoop.*} settings as a Hadoop configuration, as Spark would pass them. */
  static Configuration hadoopConf(AtlasConfig config) {
    Configuration conf = new Configuration();
    for (Map.Entry<String, String> e : config.all().entrySet()) {
      if (e.getKey().startsWith(HADOOP)) {
        conf.set(e.getKey().substring(HADOOP.length()), e.getValue());
      }
    }
    return conf;
  }
}
