package org.subnetatlas.jobs;

import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options every command accepts, before or after the subcommand name. */
public final class GlobalOptions {

  @Option(names = "--profile", paramLabel = "NAME",
      description = "Settings profile: conf/NAME.properties (local, cluster, s3, gpu-rapids). Default: ${DEFAULT-VALUE}.",
      defaultValue = "local")
  String profile;

  @Option(names = "--warehouse", paramLabel = "URI",
      description = "Warehouse root (local path, file:// or s3a://). Default: the profile's spark.atlas.warehouse.")
  String warehouse;

  @Option(names = "--data", paramLabel = "URI",
      description = "Fashion-MNIST IDX directory: the bundled subset or the full files. Default: data/fashion-mnist.")
  String data;

  /** Loads the profile and applies these options and {@code extra} on top. */
  public AtlasConfig config(Map<String, String> extra) {
    Map<String, String> overrides = new HashMap<>(extra);
    overrides.put(AtlasConfig.WAREHOUSE, warehouse);
    overrides.put(AtlasConfig.DATA, data);
    return AtlasConfig.load(profile, overrides);
  }

  /** Copies values set on {@code other} (a parent command's options) where this one has none. */
  void inheritFrom(GlobalOptions other) {
    if (other == null) {
      return;
    }
    if (warehouse == null) {
      warehouse = other.warehouse;
    }
    if (data == null) {
      data = other.data;
    }
    if ("local".equals(profile) && other.profile != null) {
      profile = other.profile;
    }
  }
}
