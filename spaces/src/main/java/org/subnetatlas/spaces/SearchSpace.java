package org.subnetatlas.spaces;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * A named, versioned set of architectures with a canonical JSON encoding, a stable id and an
 * analytic cost. Implementations are immutable and thread-safe; one instance may be shared by all
 * threads of an executor.
 */
public interface SearchSpace {

  /** Spaces with more canonical configurations than this refuse {@link #enumerate()}. */
  long ENUMERATION_LIMIT = 10_000_000L;

  /** Registry name, e.g. {@code ofa-mbv3}. */
  String name();

  /** Version of the space definition; part of every {@link #archId}. */
  String version();

  /** Kind of space: {@code supernet} (weight-sharing sub-networks) or, later, {@code stitched}. */
  default String family() {
    return "supernet";
  }

  /** One line for {@code atlas space list}. */
  String description();

  /**
   * Parses one architecture line, e.g. OFA's {@code {"ks":[...],"e":[...],"d":[...],"r":224}}.
   * Unknown fields are an error.
   *
   * @throws InvalidArchException naming the field and what is wrong, or {@code not a JSON object: ...}
   */
  Arch parse(String jsonLine);

  /**
   * Parses the architecture fields of an already parsed object.
   *
   * @param ignoreUnknownFields when true, fields that are not part of the encoding are skipped (used
   *     by {@link #withCost}, which keeps the user's other fields); when false they are an error
   */
  Arch parse(ObjectNode object, boolean ignoreUnknownFields);

  /**
   * Canonical JSON of an arch: fixed key order, no spaces, inactive choices set to 0. Two archs with
   * the same canonical form are the same network.
   *
   * @throws InvalidArchException if the arch does not belong to this space
   */
  String canonical(Arch arch);

  /**
   * The arch's id: lowercase hex SHA-256 of the UTF-8 bytes of
   * {@code name() + "\n" + version() + "\n" + canonical(arch)}. Equal for archs that differ only in
   * inactive choices, different across spaces and space versions.
   */
  default String archId(Arch arch) {
    String text = name() + "\n" + version() + "\n" + canonical(arch);
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** Analytic MACs and parameter count (see {@link Cost} for the convention). */
  Cost cost(Arch arch);

  /** Input resolution (pixels per side) the arch runs at. */
  int resolution(Arch arch);

  /** One architecture drawn from the space's sampling distribution (see the implementation). */
  Arch sample(SplittableRandom random);

  /** The arch with the most MACs (every choice at its maximum). */
  Arch largest();

  /** The arch with the fewest MACs (every choice at its minimum). */
  Arch smallest();

  /**
   * A neighbour of {@code arch} that differs in one choice moved one notch up ({@code larger}) or
   * down, picked at random among the possible moves; empty at the extreme or when the space does not
   * support moves. Used by {@link Samplers#draw} to reach rare MAC ranges.
   */
  default Optional<Arch> neighbour(Arch arch, boolean larger, SplittableRandom random) {
    return Optional.empty();
  }

  /** Number of distinct canonical configurations, or empty if it does not fit in a long. */
  OptionalLong size();

  /** Whether {@link #enumerate()} will run: the size is known and at most {@link #ENUMERATION_LIMIT}. */
  default boolean enumerable() {
    OptionalLong size = size();
    return size.isPresent() && size.getAsLong() <= ENUMERATION_LIMIT;
  }

  /**
   * Every canonical configuration once, in a fixed order.
   *
   * @throws UnsupportedOperationException if the space is not {@link #enumerable()}
   */
  Stream<Arch> enumerate();

  /**
   * The line's JSON object with {@code "macs"} and {@code "params"} set (appended, or replaced in
   * place if present); the user's other fields and their order are kept.
   *
   * @throws InvalidArchException if the line is not an arch of this space
   */
  default String withCost(String jsonLine) {
    return JsonLines.withCost(this, jsonLine);
  }
}
