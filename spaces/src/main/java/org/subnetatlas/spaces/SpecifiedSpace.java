package org.subnetatlas.spaces;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A search space defined by a spec record, whose name and version are the spec's, with archs of
 * one type {@code A}.
 */
public interface SpecifiedSpace<S extends SpaceSpec, A extends Arch> extends SearchSpace {

  S spec();

  @Override
  default String name() {
    return spec().name();
  }

  @Override
  default String version() {
    return spec().version();
  }

  @Override
  default A parse(String jsonLine) {
    return parse(JsonLines.parseObject(jsonLine), false);
  }

  @Override
  A parse(ObjectNode object, boolean ignoreUnknownFields);
}
