package org.subnetatlas.spaces;

/**
 * An architecture line or value that does not belong to a space. The message names the field and
 * what is wrong with it, e.g. {@code field "ks": expected 20 ints, got 19}.
 */
public class InvalidArchException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidArchException(String message) {
    super(message);
  }

  public InvalidArchException(String message, Throwable cause) {
    super(message, cause);
  }

  /** {@code field "<field>": <problem>}. */
  public static InvalidArchException field(String field, String problem) {
    return new InvalidArchException("field \"" + field + "\": " + problem);
  }
}
