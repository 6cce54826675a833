package org.subnetatlas.spaces;

/** What every space definition carries: the registry name and the version part of each arch id. */
public interface SpaceSpec {

  String name();

  String version();
}
