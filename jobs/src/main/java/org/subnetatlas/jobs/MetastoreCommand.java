package org.subnetatlas.jobs;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;
import org.subnetatlas.jobs.catalog.Metastore;
import org.subnetatlas.jobs.catalog.ServerFile;
import org.subnetatlas.transforms.BadInputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code atlas metastore status | stop}: the catalog server of a warehouse, without Spark. */
@Command(name = "metastore", mixinStandardHelpOptions = true,
    description = "Show or stop the warehouse's catalog server (Derby on 127.0.0.1, started by atlas).",
    subcommands = {MetastoreCommand.Status.class, MetastoreCommand.Stop.class})
final class MetastoreCommand extends AtlasCommand {

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return AtlasCli.EXIT_BAD_INPUT;
  }

  /** The metastore directory of the configured warehouse, the one its sessions use. */
  private static Path directory(AtlasCommand command) {
    AtlasConfig config = command.config();
    return Paths.get(AtlasSession.metastoreDir(config, config.warehouse()));
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = {"Print the catalog server's port, pid, start time and client sessions on stdout;",
          "exit 0 when it runs, 3 when none runs."})
  static final class Status extends AtlasCommand {
    static final int EXIT_NOT_RUNNING = 3;

    @Override
    public Integer call() throws Exception {
      Path dir = directory(this);
      Optional<ServerFile> server = Metastore.status(dir);
      PrintStream out = System.out;
      if (server.isEmpty()) {
        out.println("no catalog server runs for " + dir);
        out.flush();
        return EXIT_NOT_RUNNING;
      }
      ServerFile s = server.get();
      out.println("catalog server for " + dir + ": 127.0.0.1:" + s.port() + ", pid " + s.pid()
          + ", started " + s.startedAt() + ", " + Metastore.sessions(s) + " client sessions");
      out.flush();
      return 0;
    }
  }

  @Command(name = "stop", mixinStandardHelpOptions = true,
      description = {"Stop the catalog server and wait until it has ended.",
          "Refused while atlas processes use it, unless --force (they then fail at their next catalog call)."})
  static final class Stop extends AtlasCommand {
    @Option(names = "--force", description = "Stop it even while clients are connected.")
    boolean force;

    @Override
    public Integer call() throws Exception {
      Path dir = directory(this);
      Optional<ServerFile> live = Metastore.status(dir);
      if (live.isPresent() && !force) {
        int clients = Metastore.sessions(live.get());
        if (clients > 0) {
          throw new BadInputException("the catalog server of " + dir + " has " + clients
              + " client sessions (atlas processes running); --force stops it anyway");
        }
      }
      Optional<ServerFile> stopped;
      try {
        stopped = Metastore.stop(dir);
      } catch (IOException e) {
        throw new IllegalStateException(e.getMessage(), e);
      }
      System.out.println(stopped.map(s -> "stopped the catalog server for " + dir + " (pid " + s.pid() + ")")
          .orElse("no catalog server runs for " + dir));
      System.out.flush();
      return 0;
    }
  }
}
