package org.subnetatlas.spaces;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Set;

/** OFA arch lines ↔ {@link MbArch}: strict parsing with field-named errors, canonical JSON. */
final class MbArchCodec {
  private static final Set<String> FIELDS = Set.of("ks", "e", "d", "r");

  private MbArchCodec() {}

  static MbArch parse(MbConvSpace space, ObjectNode object, boolean ignoreUnknownFields) {
    if (!ignoreUnknownFields) {
      for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        if (!FIELDS.contains(name)) {
          throw InvalidArchException.field(
              name, "unknown field; an arch of " + space.name() + " has ks, e, d, r");
        }
      }
    }
    MbConvSpec spec = space.spec();
    MbConvChoices choices = space.choices();
    int stages = spec.stages().size();
    int maxDepth = spec.maxDepth();
    int[] d = intArray(object, "d", stages);
    for (int s = 0; s < stages; s++) {
      if (!choices.isDepth(d[s])) {
        throw InvalidArchException.field("d", "element " + s + " is " + d[s]
            + ", expected one of " + MbConvChoices.join(choices.depths(), ", "));
      }
    }
    int[] ks = intArray(object, "ks", spec.blockSlots());
    int[] e = intArray(object, "e", spec.blockSlots());
    for (int s = 0; s < stages; s++) {
      for (int b = 0; b < maxDepth; b++) {
        int slot = s * maxDepth + b;
        boolean active = b < d[s];
        checkChoice("ks", slot, ks[slot], choices.isKernel(ks[slot]), active, choices.kernels());
        checkChoice("e", slot, e[slot], choices.isExpand(e[slot]), active, choices.expands());
        if (!active) {
          ks[slot] = 0;
          e[slot] = 0;
        }
      }
    }
    return new MbArch(ks, e, d, resolution(space, object));
  }

  static String canonicalJson(MbArch arch) {
    StringBuilder json = new StringBuilder(128);
    appendArray(json.append("{\"ks\":"), arch.ks());
    appendArray(json.append(",\"e\":"), arch.e());
    appendArray(json.append(",\"d\":"), arch.d());
    return json.append(",\"r\":").append(arch.r()).append('}').toString();
  }

  static InvalidArchException badResolution(MbConvSpace space, int r) {
    return InvalidArchException.field("r", r + " is not a resolution of " + space.name() + " ("
        + describeChoices(space.choices().resolutions()) + ")");
  }

  /** {@code 128..224 step 4} for an arithmetic progression of 3 or more, else {@code 1, 5, 7}. */
  static String describeChoices(int[] sorted) {
    if (sorted.length >= 3) {
      int step = sorted[1] - sorted[0];
      boolean progression = true;
      for (int i = 2; i < sorted.length; i++) {
        progression &= sorted[i] - sorted[i - 1] == step;
      }
      if (progression) {
        return sorted[0] + ".." + sorted[sorted.length - 1] + " step " + step;
      }
    }
    return MbConvChoices.join(sorted, ", ");
  }

  private static int resolution(MbConvSpace space, ObjectNode object) {
    int[] resolutions = space.choices().resolutions();
    if (!object.has("r") && resolutions.length == 1) {
      return resolutions[0];
    }
    int r = intValue("r", object.get("r"), "missing; " + space.name() + " has "
        + resolutions.length + " resolutions (" + describeChoices(resolutions) + ")");
    if (!space.choices().isResolution(r)) {
      throw badResolution(space, r);
    }
    return r;
  }

  private static void checkChoice(
      String field, int slot, int value, boolean isChoice, boolean active, int[] choices) {
    if (isChoice || (!active && value == 0)) {
      return;
    }
    throw InvalidArchException.field(field, "element " + slot + " is " + value + ", expected one of "
        + MbConvChoices.join(choices, ", ") + (active ? "" : " (or 0: the block is inactive)"));
  }

  private static int[] intArray(ObjectNode object, String field, int length) {
    JsonNode node = object.get(field);
    if (node == null || node.isNull()) {
      throw InvalidArchException.field(field, "missing; expected " + length + " ints");
    }
    if (!node.isArray()) {
      throw InvalidArchException.field(
          field, "expected an array of " + length + " ints, got " + describe(node));
    }
    if (node.size() != length) {
      throw InvalidArchException.field(field, "expected " + length + " ints, got " + node.size());
    }
    int[] values = new int[length];
    for (int i = 0; i < length; i++) {
      JsonNode element = node.get(i);
      if (!element.isIntegralNumber() || !element.canConvertToInt()) {
        throw InvalidArchException.field(
            field, "element " + i + " is " + describe(element) + ", expected an int");
      }
      values[i] = element.intValue();
    }
    return values;
  }

  private static int intValue(String field, JsonNode node, String whenMissing) {
    if (node == null || node.isNull()) {
      throw InvalidArchException.field(field, whenMissing);
    }
    if (!node.isIntegralNumber() || !node.canConvertToInt()) {
      throw InvalidArchException.field(field, "expected an int, got " + describe(node));
    }
    return node.intValue();
  }

  private static String describe(JsonNode node) {
    String text = node.toString();
    return node.getNodeType().name().toLowerCase() + " " + JsonLines.shorten(text);
  }

  private static void appendArray(StringBuilder json, int[] values) {
    json.append('[');
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        json.append(',');
      }
      json.append(values[i]);
    }
    json.append(']');
  }
}
