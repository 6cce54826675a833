package org.subnetatlas.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** {@code --name value} pairs of a benchmark command, with typed getters and clear errors. */
final class Args {
  private final String command;
  private final Map<String, String> values = new HashMap<>();

  Args(String command, String[] args, Set<String> known) {
    this.command = command;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--") || !known.contains(a.substring(2)) || i + 1 >= args.length) {
        throw usage("bad argument '" + a + "' (known: --" + String.join(" --", known)
            + ", each with a value)");
      }
      values.put(a.substring(2), args[++i]);
    }
  }

  IllegalArgumentException usage(String message) {
    return new IllegalArgumentException(command + ": " + message);
  }

  String get(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  int getInt(String name, int fallback, int min) {
    String v = values.get(name);
    if (v == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v);
      if (n < min) {
        throw usage("--" + name + " must be >= " + min + ", got " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw usage("--" + name + " must be an integer, got '" + v + "'");
    }
  }

  /** Runs {@code body}, turning argument errors into a one-line message and exit code 2. */
  static void main(Runnable body) {
    try {
      body.run();
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
    }
  }
}
