package org.subnetatlas.jobs.settings;

/** Settings of the stage's job, declared once (see {@link Setting}). */
public final class StandaloneKeys {

  private StandaloneKeys() {}
}
