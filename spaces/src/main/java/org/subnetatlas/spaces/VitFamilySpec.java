package org.subnetatlas.spaces;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * A family of ViT anchors (DeiT style: patch embedding, class token, position embedding, pre-norm
 * blocks of multi-head self-attention and a GELU MLP, final LayerNorm, linear head on the class
 * token) that share depth, patch size and input, plus how SN-Net stitches neighbouring anchors:
 * a sliding window of {@code window} blocks moved by {@code stride}.
 *
 * @param name registry name of the stitched space
 * @param version version of the definition; part of every arch id
 * @param imageSize input side in pixels
 * @param inChannels input channels
 * @param patchSize patch side in pixels ({@code imageSize} must be a multiple)
 * @param numClasses classifier outputs
 * @param depth blocks per anchor (equal for all anchors)
 * @param mlpRatio MLP hidden width over embedding width
 * @param anchors anchors from smallest to largest; only neighbours are stitched
 * @param window sliding-window size in blocks
 * @param stride sliding-window stride in blocks
 */
public record VitFamilySpec(String name, String version, int imageSize, int inChannels,
    int patchSize, int numClasses, int depth, int mlpRatio, List<Anchor> anchors, int window,
    int stride) implements SpaceSpec, Serializable {

  /** One anchor: embedding width and attention heads. */
  public record Anchor(String name, int dim, int heads) implements Serializable {
    public Anchor {
      Objects.requireNonNull(name, "name");
      if (dim <= 0 || heads <= 0 || dim % heads != 0) {
        throw new IllegalArgumentException("anchor " + name + ": dim " + dim
            + " must be a positive multiple of heads " + heads);
      }
    }
  }

  public VitFamilySpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    anchors = List.copyOf(anchors);
    if (patchSize <= 0 || imageSize % patchSize != 0) {
      throw new IllegalArgumentException(name + ": image " + imageSize + " is not a multiple of patch "
          + patchSize);
    }
    if (depth < 1 || mlpRatio < 1 || inChannels < 1 || numClasses < 2 || anchors.size() < 2
        || window < 1 || stride < 1) {
      throw new IllegalArgumentException(name + ": bad geometry " + depth + " blocks, mlp ratio "
          + mlpRatio + ", " + anchors.size() + " anchors, window " + window + ", stride " + stride);
    }
    for (int i = 1; i < anchors.size(); i++) {
      if (anchors.get(i).dim() <= anchors.get(i - 1).dim()) {
        throw new IllegalArgumentException(name + ": anchors must grow in width");
      }
    }
  }

  /** Patches per image. */
  public int patches() {
    int side = imageSize / patchSize;
    return side * side;
  }

  /** Tokens per image: patches plus the class token. */
  public int tokens() {
    return patches() + 1;
  }

  public Anchor anchor(int index) {
    return anchors.get(index);
  }
}
