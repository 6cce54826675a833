package org.subnetatlas.spaces;

import java.io.Serializable;

/**
 * One sub-network of some {@link SearchSpace}. A marker: only the space that produced an arch knows
 * its encoding, so every operation on it goes through that space ({@link SearchSpace#canonical},
 * {@link SearchSpace#cost}, ...). Implementations are immutable values with {@code equals}.
 */
public interface Arch extends Serializable {}
