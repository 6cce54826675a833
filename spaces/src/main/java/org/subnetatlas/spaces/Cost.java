package org.subnetatlas.spaces;

/**
 * Analytic cost of one architecture, in Once-for-All's counting convention: {@code macs} counts one
 * multiply-accumulate per weight use in convolutions and linear layers (biases, batch norm,
 * activations and pooling are free); {@code params} counts every trainable parameter, including
 * batch-norm weight and bias and conv/linear biases, but not BN running statistics.
 */
public record Cost(long macs, long params) {}
