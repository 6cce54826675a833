package org.subnetatlas.transforms.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class GateJsonTest {

  @Test
  void aMessageWithControlCharactersRoundTripsThroughJackson() throws Exception {
    String message = "rows\u0001 fell\tby\r\n\"half\" \\ \u001f end";
    String json = GateJson.message(message);
    assertEquals(message, new ObjectMapper().readTree(json).get("message").asText());
    assertEquals("{\"message\":\"rows\\u0001 fell\\tby\\r\\n\\\"half\\\" \\\\ \\u001F end\"}", json);
  }

  @Test
  void anOrdinaryMessageIsWrittenAsBefore() {
    // quotes, backslashes and newlines were escaped by hand before; other characters kept as is
    assertEquals("{\"message\":\"top1 of \\\"a\\\\b\\\" is 1.2 \u00e9\\nsecond line\"}",
        GateJson.message("top1 of \"a\\b\" is 1.2 \u00e9\nsecond line"));
  }
}
