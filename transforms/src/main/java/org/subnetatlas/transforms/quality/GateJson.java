package org.subnetatlas.transforms.quality;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;

/**
 * The JSON the quality gates put in {@code atlas.quarantine.row_json} for a check without offending
 * rows: {@code {"message":...}}, written by Jackson so that any message, control characters
 * included, is valid JSON.
 */
public final class GateJson {

  private static final ObjectMapper JSON = new ObjectMapper();

  private GateJson() {}

  /** {@code {"message":<message as a JSON string>}}, compact. */
  public static String message(String message) {
    try {
      return JSON.writeValueAsString(JSON.createObjectNode().put("message", message));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
