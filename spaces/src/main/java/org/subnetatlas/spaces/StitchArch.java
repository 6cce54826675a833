package org.subnetatlas.spaces;

/**
 * One configuration of a stitched family ({@link StitchedSpace}). An anchor alone has
 * {@code front == back}; a stitched network runs the first {@code frontBlocks} blocks of anchor
 * {@code front}, a linear stitching layer, then blocks {@code backStart..depth-1} of anchor
 * {@code back} with its final norm and head (anchors are indices into the spec's anchor list).
 */
public record StitchArch(int front, int frontBlocks, int back, int backStart) implements Arch {

  /** The anchor {@code index} on its own. */
  public static StitchArch anchor(int index, int depth) {
    return new StitchArch(index, depth, index, depth);
  }

  public boolean isAnchor() {
    return front == back;
  }
}
