package org.subnetatlas.transforms;

/**
 * Bad usage or bad input: the message names the input and what is wrong. The CLI prints it on
 * one line and exits with code 2, before any table is touched.
 */
public class BadInputException extends RuntimeException {
  public BadInputException(String message) {
    super(message);
  }

  public BadInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
