package org.subnetatlas.spaces;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The search spaces Subnet Atlas knows, by name. */
public final class Spaces {

  private static final Map<String, SearchSpace> BY_NAME = byName(
      new MbConvSpace(BuiltinSpecs.OFA_MBV3), new MbConvSpace(BuiltinSpecs.MBV3_TINY),
      new StitchedSpace(BuiltinSpecs.SNNET_DEIT_TSB), new StitchedSpace(BuiltinSpecs.VIT_TINY_FAMILY));

  private Spaces() {}

  /**
   * The space called {@code name}.
   *
   * @throws UnknownSpaceException {@code unknown space "foo"; known spaces: mbv3-tiny, ofa-mbv3}
   */
  public static SearchSpace get(String name) {
    SearchSpace space = name == null ? null : BY_NAME.get(name);
    if (space == null) {
      throw new UnknownSpaceException("unknown space " + (name == null ? "null" : "\"" + name + "\"")
          + "; known spaces: " + String.join(", ", names()));
    }
    return space;
  }

  /** Every known space, sorted by name. */
  public static List<SearchSpace> all() {
    return List.copyOf(BY_NAME.values());
  }

  /** Every known space name, sorted. */
  public static List<String> names() {
    return List.copyOf(BY_NAME.keySet());
  }

  private static Map<String, SearchSpace> byName(SearchSpace... spaces) {
    return List.of(spaces).stream()
        .collect(Collectors.toMap(SearchSpace::name, s -> s, (a, b) -> {
          throw new IllegalStateException("two spaces named " + a.name());
        }, TreeMap::new));
  }
}
