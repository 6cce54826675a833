package org.subnetatlas.spaces;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** JSON-lines plumbing shared by the spaces: strict object parsing and the cost columns. */
public final class JsonLines {

  // Strict: "{...} junk" and {"r":1,"r":2} are bad input, not something to guess about.
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private static final int SHOWN_CHARS = 80;

  private JsonLines() {}

  /**
   * Parses one line as a JSON object.
   *
   * @throws InvalidArchException {@code not a JSON object: <line> (<reason>)}
   */
  public static ObjectNode parseObject(String line) {
    if (line == null || line.isBlank()) {
      throw new InvalidArchException("not a JSON object: empty line");
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(line);
    } catch (JsonProcessingException e) {
      throw new InvalidArchException(
          "not a JSON object: " + shorten(line) + " (" + e.getOriginalMessage() + ")", e);
    }
    if (!(node instanceof ObjectNode object)) {
      throw new InvalidArchException(
          "not a JSON object: " + shorten(line) + " (found " + node.getNodeType() + ")");
    }
    return object;
  }

  /** See {@link SearchSpace#withCost(String)}. */
  public static String withCost(SearchSpace space, String line) {
    ObjectNode object = parseObject(line);
    Cost cost = space.cost(space.parse(object, true));
    object.put("macs", cost.macs());
    object.put("params", cost.params());
    return object.toString();
  }

  static String shorten(String text) {
    String oneLine = text.strip();
    return oneLine.length() <= SHOWN_CHARS ? oneLine : oneLine.substring(0, SHOWN_CHARS) + "...";
  }
}
