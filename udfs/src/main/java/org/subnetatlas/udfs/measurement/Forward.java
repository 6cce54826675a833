package org.subnetatlas.udfs.measurement;

/**
 * One forward pass bound to its input, ready to be timed. It must return only when the result is
 * computed (on an asynchronous device: synchronise, e.g. by copying a small output to the host).
 */
@FunctionalInterface
public interface Forward {
  void run() throws Exception;
}
