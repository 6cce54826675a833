package org.subnetatlas.jobs;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.subnetatlas.jobs.sql.UsersFile;
import org.subnetatlas.transforms.BadInputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code atlas serve-sql-user}: sets (or removes) one user's line in the users file that
 * {@code atlas serve-sql --users-file} checks logins against. The password is read from the
 * terminal without echo, or as the first line of stdin when there is no terminal, never from the
 * command line, where it would stay in shell history and the process list.
 */
@Command(name = "serve-sql-user", mixinStandardHelpOptions = true,
    description = {"Add a user of atlas serve-sql, or set a new password, in a users file.",
        "Reads the password from the terminal (asked twice), or as the first line of stdin:",
        "  ./atlas serve-sql-user --users-file ~/.atlas-users --user alice < password.txt",
        "The file is replaced in one step and is readable by its owner alone (mode 600)."})
final class ServeSqlUserCommand extends AtlasCommand {

  @Option(names = "--users-file", paramLabel = "FILE", required = true,
      description = "The users file (created when missing).")
  Path usersFile;

  @Option(names = "--user", paramLabel = "NAME", required = true,
      description = "User name: 1 to 64 letters, digits or . _ @ -")
  String user;

  @Option(names = "--remove", description = "Remove the user instead of setting a password.")
  boolean remove;

  @Override
  public Integer call() {
    UsersFile file = UsersFile.loadOrEmpty(usersFile);
    PrintWriter err = spec.commandLine().getErr();
    if (remove) {
      file.withoutUser(user).write();
      err.println("serve-sql-user: removed " + user + " from " + usersFile);
    } else {
      char[] password = readPassword();
      try {
        boolean existed = file.users().contains(user);
        file.withUser(user, password).write();
        err.println("serve-sql-user: " + (existed ? "new password for " + user + " in " : "added " + user + " to ") + usersFile);
      } finally {
        Arrays.fill(password, '\0');
      }
    }
    err.flush();
    return 0;
  }

  private char[] readPassword() {
    Console console = System.console();
    if (console != null) {
      char[] first = console.readPassword("Password for %s: ", user);
      char[] again = console.readPassword("Same password again: ");
      try {
        if (first == null || again == null || !Arrays.equals(first, again)) {
          throw new BadInputException("password for " + user + ": the two entries differ");
        }
        return first.clone();
      } finally {
        if (first != null) {
          Arrays.fill(first, '\0');
        }
        if (again != null) {
          Arrays.fill(again, '\0');
        }
      }
    }
    try {
      // not closed: System.in belongs to the process
      String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      if (line == null || line.isEmpty()) {
        throw new BadInputException("password for " + user + ": none on stdin (give it as the first line)");
      }
      return line.toCharArray();
    } catch (IOException e) {
      throw new BadInputException("password for " + user + ": cannot read stdin (" + e.getMessage() + ")");
    }
  }
}
