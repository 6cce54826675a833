package org.subnetatlas.udfs.nets;

/**
 * The configured device does not exist where networks were about to run: a configuration error
 * of that host, raised before any network is loaded. It is serializable like every exception, so
 * Spark carries it as the cause of a failed job and the CLI can report it as one line.
 */
public final class DeviceUnavailableException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  public DeviceUnavailableException(String message) {
    super(message);
  }
}
