package org.subnetatlas.spaces;

/** A space name that {@link Spaces} does not know; the message lists the known names. */
public class UnknownSpaceException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public UnknownSpaceException(String message) {
    super(message);
  }
}
