package org.subnetatlas.jobs;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that takes the global options, also when they were given before its name. */
abstract class AtlasCommand implements Callable<Integer> {

  @Mixin
  GlobalOptions global = new GlobalOptions();

  @Spec
  CommandSpec spec;

  /** Global options with values given to parent commands filled in. */
  GlobalOptions globals() {
    for (CommandSpec p = spec.parent(); p != null; p = p.parent()) {
      Object user = p.userObject();
      if (user instanceof AtlasCommand c) {
        global.inheritFrom(c.global);
      } else if (user instanceof AtlasCli cli) {
        global.inheritFrom(cli.global);
      }
    }
    return global;
  }

  AtlasConfig config(Map<String, String> extra) {
    return globals().config(extra);
  }

  AtlasConfig config() {
    return config(Map.of());
  }
}
