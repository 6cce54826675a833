package org.subnetatlas.jobs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Paths;
import org.subnetatlas.spaces.InvalidArchException;
import org.subnetatlas.spaces.SearchSpace;
import org.subnetatlas.spaces.Spaces;
import org.subnetatlas.transforms.BadInputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code atlas space list | cost | enumerate}: search-space tools that need no Spark. */
@Command(name = "space", mixinStandardHelpOptions = true,
    description = "Inspect search spaces: list them, cost arch lines, enumerate finite spaces.",
    subcommands = {SpaceCommand.ListSpaces.class, SpaceCommand.Cost.class, SpaceCommand.Enumerate.class})
final class SpaceCommand extends AtlasCommand {

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return AtlasCli.EXIT_BAD_INPUT;
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the search spaces.")
  static final class ListSpaces extends AtlasCommand {
    @Override
    public Integer call() {
      PrintStream out = System.out;
      out.println("space\tversion\tfamily\tsize\tmacs_min\tmacs_max\tdescription");
      for (SearchSpace s : Spaces.all()) {
        out.println(String.join("\t", s.name(), s.version(), s.family(),
            s.size().isPresent() ? Long.toString(s.size().getAsLong()) : ">2^63",
            Long.toString(s.cost(s.smallest()).macs()), Long.toString(s.cost(s.largest()).macs()),
            s.description()));
      }
      out.flush();
      return 0;
    }
  }

  @Command(name = "cost", mixinStandardHelpOptions = true,
      description = {"Read arch lines (JSON, one per line) and print each with \"macs\" and \"params\" added.",
          "OFA line format: {\"ks\":[20 ints],\"e\":[20 ints],\"d\":[5 ints],\"r\":int}"})
  static final class Cost extends AtlasCommand {
    @Mixin
    SpaceChoice space;

    @Option(names = "--input", defaultValue = "-", paramLabel = "FILE|-",
        description = "Input file, or - for stdin (default).")
    String input;

    @Override
    public Integer call() throws IOException {
      SearchSpace s = space.get();
      try (BufferedReader in = open(input)) {
        PrintStream out = System.out;
        String line;
        int lineNo = 0;
        while ((line = in.readLine()) != null) {
          lineNo++;
          if (line.isBlank()) {
            continue;
          }
          try {
            out.println(s.withCost(line));
          } catch (InvalidArchException e) {
            out.flush();
            throw new BadInputException(where(input) + " line " + lineNo + ": " + e.getMessage());
          }
        }
        out.flush();
      }
      return 0;
    }

    private static String where(String input) {
      return "-".equals(input) ? "stdin" : input;
    }

    private static BufferedReader open(String input) {
      if ("-".equals(input)) {
        return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      }
      try {
        return Files.newBufferedReader(Paths.get(input), StandardCharsets.UTF_8);
      } catch (NoSuchFileException e) {
        throw new BadInputException("--input " + input + ": no such file");
      } catch (IOException e) {
        throw new UncheckedIOException("--input " + input, e);
      }
    }
  }

  @Command(name = "enumerate", mixinStandardHelpOptions = true,
      description = "Print every configuration of a finite space as JSON lines with macs and params.")
  static final class Enumerate extends AtlasCommand {
    @Mixin
    SpaceChoice space;

    @Override
    public Integer call() {
      SearchSpace s = space.get();
      if (!s.enumerable()) {
        throw new BadInputException("--space " + space.name + ": too large to enumerate ("
            + (s.size().isPresent() ? s.size().getAsLong() + " configurations" : "more than 2^63 configurations")
            + "); use `atlas sample`");
      }
      PrintStream out = System.out;
      s.enumerate().forEach(a -> out.println(s.withCost(s.canonical(a))));
      out.flush();
      return 0;
    }
  }

  /** The {@code --space} option of the subcommands that work on one space. */
  static final class SpaceChoice {
    @Option(names = "--space", required = true, paramLabel = "NAME",
        description = "Search space (atlas space list), e.g. ofa-mbv3.")
    String name;

    SearchSpace get() {
      return Spaces.get(name);
    }
  }
}
