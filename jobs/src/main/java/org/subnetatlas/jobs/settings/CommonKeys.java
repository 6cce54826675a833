package org.subnetatlas.jobs.settings;

import org.subnetatlas.jobs.AtlasConfig;
import org.subnetatlas.transforms.BadInputException;
import org.subnetatlas.udfs.nets.DjlRuntime;

/** Settings every stage reads: where the warehouse and data are, which space, which device. */
public final class CommonKeys {

  public static final Setting.Text WAREHOUSE = Setting.ofText("warehouse", null,
      "Warehouse root: a local path, file:// or any Hadoop filesystem URI (s3a://...).");
  public static final Setting.Text DATA = Setting.ofText("data", null,
      "Fashion-MNIST IDX directory (default: the bundled data/fashion-mnist).");
  public static final Setting.Text SPACE = Setting.ofText("space", "mbv3-tiny",
      "Search space the stages build (atlas space list).");
  public static final Setting.Text DEVICE = Setting.ofText("device", "auto",
      "Where every stage runs networks (training, evaluation, measurement): auto (GPU when DJL"
          + " finds one), cpu or gpu. gpu fails a stage whose executor has no CUDA device.");

  public static final Setting.Text METASTORE = Setting.ofText("metastore", null,
      "Local directory of the catalog (default: <warehouse>/_metastore, or ./metastore/<warehouse as a file name> for a remote warehouse).");
  public static final Setting.Text METASTORE_MODE = Setting.ofText("metastore.mode", "server",
      "server: the catalog is served by a catalog server on 127.0.0.1 that atlas starts, so several "
          + "processes use one warehouse at once; embedded: this process opens it alone (one process at a "
          + "time; a live catalog server is still used). Neither applies when spark.hadoop.hive.metastore.uris is set.");
  public static final Setting.Int METASTORE_IDLE_SECONDS = Setting.ofInt("metastore.idle-seconds", 300, 1,
      86_400, "A catalog server stops by itself after this many seconds without a client.");

  private CommonKeys() {}

  /** The device every network stage carries to its executors, or bad input naming the setting. */
  public static String device(AtlasConfig config) {
    String device = DEVICE.get(config);
    if (!DjlRuntime.DEVICE_CHOICES.contains(device)) {
      throw new BadInputException(DEVICE.key() + "=" + device + ": not one of auto, cpu, gpu");
    }
    return device;
  }
}
