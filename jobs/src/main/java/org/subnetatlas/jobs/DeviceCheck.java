package org.subnetatlas.jobs;

import org.subnetatlas.jobs.settings.CommonKeys;
import org.subnetatlas.udfs.nets.DjlRuntime;

/**
 * The driver's side of {@code spark.atlas.device}, for every stage that runs networks. Each task
 * resolves the device again on its executor ({@link DjlRuntime#preferDevice}); with a local master
 * the tasks run in this JVM, so a device this host lacks is refused here, before the session opens
 * and before any table is touched.
 */
final class DeviceCheck {

  private DeviceCheck() {}

  /** The configured device; with a local master, resolved here as the tasks would. */
  static String onDriver(AtlasConfig config) {
    String device = CommonKeys.device(config);
    String master = config.get("spark.master", "");
    // only gpu can fail, and only where the tasks run in this JVM; auto and cpu load no engine here
    if ("gpu".equals(device) && (master.equals("local") || master.startsWith("local["))) {
      DjlRuntime.preferDevice(device);
    }
    return device;
  }
}
