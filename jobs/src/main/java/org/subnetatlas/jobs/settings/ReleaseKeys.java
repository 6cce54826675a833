package org.subnetatlas.jobs.settings;

import java.time.LocalDate;
import org.subnetatlas.jobs.AtlasConfig;

/** Settings of release, declared once (see {@link Setting}). */
public final class ReleaseKeys {

  public static final Setting.Text TAG = Setting.ofText("release.tag", null,
      "Release tag (letters, digits, '.', '_', '-'). Default: nightly-<date>.");

  private ReleaseKeys() {}

  /** The configured tag, else {@code nightly-<date>}. */
  public static String tag(AtlasConfig config, LocalDate buildDate) {
    String tag = TAG.get(config);
    return tag != null ? tag : "nightly-" + buildDate;
  }
}
