package org.subnetatlas.spaces;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stitched arch lines ↔ {@link StitchArch}: {@code {"anchor":NAME}} or {@code
 * {"front":NAME,"front_blocks":N,"back":NAME,"back_start":N}}, strict parsing with field-named
 * errors, canonical JSON in that key order.
 */
final class StitchArchCodec implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final List<String> STITCH_FIELDS =
      List.of("front", "front_blocks", "back", "back_start");

  private final VitFamilySpec spec;
  private final Map<String, Integer> anchorIndex = new LinkedHashMap<>();

  StitchArchCodec(VitFamilySpec spec) {
    this.spec = spec;
    for (int i = 0; i < spec.anchors().size(); i++) {
      if (anchorIndex.put(spec.anchor(i).name(), i) != null) {
        throw new IllegalArgumentException(spec.name() + ": two anchors named " + spec.anchor(i).name());
      }
    }
  }

  StitchArch parse(StitchedSpace space, ObjectNode object, boolean ignoreUnknownFields) {
    if (!ignoreUnknownFields) {
      for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!f.equals("anchor") && !STITCH_FIELDS.contains(f)) {
          throw InvalidArchException.field(f, "unknown field; a " + space.name()
              + " arch is {\"anchor\":NAME} or {\"front\":NAME,\"front_blocks\":N,\"back\":NAME,"
              + "\"back_start\":N}");
        }
      }
    }
    if (object.has("anchor")) {
      for (String f : STITCH_FIELDS) {
        if (object.has(f)) {
          throw InvalidArchException.field(f, "not allowed together with \"anchor\"");
        }
      }
      int a = anchorField(object, "anchor");
      return StitchArch.anchor(a, spec.depth());
    }
    if (!object.has("front")) {
      throw new InvalidArchException("space " + space.name() + ": expected field \"anchor\" or \"front\"");
    }
    StitchArch arch = new StitchArch(anchorField(object, "front"), intField(object, "front_blocks"),
        anchorField(object, "back"), intField(object, "back_start"));
    return space.check(arch);
  }

  /** Canonical JSON of an arch already checked against the space. */
  String canonical(StitchArch a) {
    if (a.isAnchor()) {
      return "{\"anchor\":\"" + spec.anchor(a.front()).name() + "\"}";
    }
    return "{\"front\":\"" + spec.anchor(a.front()).name() + "\",\"front_blocks\":" + a.frontBlocks()
        + ",\"back\":\"" + spec.anchor(a.back()).name() + "\",\"back_start\":" + a.backStart() + "}";
  }

  private int anchorField(ObjectNode object, String field) {
    JsonNode n = object.get(field);
    if (n == null) {
      throw InvalidArchException.field(field, "missing");
    }
    Integer i = n.isTextual() ? anchorIndex.get(n.asText()) : null;
    if (i == null) {
      throw InvalidArchException.field(field, (n.isTextual() ? "unknown anchor \"" + n.asText() + "\""
          : "expected an anchor name, got " + n.getNodeType()) + ", expected one of "
          + String.join(", ", anchorIndex.keySet()));
    }
    return i;
  }

  private static int intField(ObjectNode object, String field) {
    JsonNode n = object.get(field);
    if (n == null) {
      throw InvalidArchException.field(field, "missing");
    }
    if (!n.isInt()) {
      throw InvalidArchException.field(field, "expected an int, got " + n);
    }
    return n.intValue();
  }
}
