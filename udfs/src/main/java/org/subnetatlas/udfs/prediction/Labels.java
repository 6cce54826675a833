package org.subnetatlas.udfs.prediction;

import java.util.Locale;
import java.util.function.Function;

/** The labels under which the predictor's enums are stored in tables and given in settings. */
final class Labels {

  private Labels() {}

  /** The constant's name in lower case, e.g. {@code random_forest}. */
  static String lowerName(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  /** The value whose label is {@code wanted}; otherwise {@code unknown} as the error. */
  static <E> E find(E[] values, Function<E, String> label, String wanted, String unknown) {
    for (E v : values) {
      if (label.apply(v).equals(wanted)) {
        return v;
      }
    }
    throw new IllegalArgumentException(unknown);
  }
}
