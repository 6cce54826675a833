package org.subnetatlas.jobs;

/** The version of the code a run used, recorded in atlas.runs. */
final class CodeVersion {
  private CodeVersion() {}

  static String get() {
    String fromLauncher = System.getProperty("atlas.code.version");
    if (fromLauncher != null && !fromLauncher.isBlank()) {
      return fromLauncher;
    }
    String fromJar = CodeVersion.class.getPackage().getImplementationVersion();
    return fromJar != null ? fromJar : "0.1.0-SNAPSHOT";
  }
}
