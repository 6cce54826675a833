package org.subnetatlas.jobs.sql;

import static java.util.Objects.requireNonNull;
import static org.subnetatlas.jobs.sql.PasswordHash.ALGORITHM;
import static org.subnetatlas.jobs.sql.PasswordHash.MIN_ITERATIONS;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.subnetatlas.transforms.BadInputException;

/**
 * The users file of {@code atlas serve-sql}: one line per user,
 * {@code user:PBKDF2WithHmacSHA256:iterations:salt-base64:hash-base64}; blank lines and lines
 * starting with {@code #} are kept as they are. Only salted slow hashes are stored, so a copied
 * file does not give the passwords away cheaply. Error messages name the file and line number and
 * never the line itself, which holds a hash.
 */
public final class UsersFile {

  // the file is colon-separated and user names reach the logs: keep them plain
  private static final Pattern USER = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private final Path path;
  private final List<String> lines;
  private final Map<String, Integer> lineOfUser;
  private final Map<String, PasswordHash> entries;

  private UsersFile(Path path, List<String> lines) {
    this.path = requireNonNull(path, "path");
    this.lines = List.copyOf(lines);
    this.lineOfUser = new LinkedHashMap<>();
    this.entries = new LinkedHashMap<>();
    for (int i = 0; i < this.lines.size(); i++) {
      PasswordHash e = parseLine(path, i + 1, this.lines.get(i));
      if (e == null) {
        continue;
      }
      Integer earlier = lineOfUser.putIfAbsent(e.user(), i);
      if (earlier != null) {
        throw bad(path, i + 1, "user " + e.user() + " is already on line " + (earlier + 1));
      }
      entries.put(e.user(), e);
    }
  }

  /** The file a server authenticates against: it must exist, be readable and name one user or more. */
  public static UsersFile load(Path path) {
    UsersFile f = new UsersFile(path, readLines(path, false));
    if (f.entries.isEmpty()) {
      throw new BadInputException("users file " + path + ": no users in it (add one with "
          + "atlas serve-sql-user --users-file " + path + " --user NAME)");
    }
    return f;
  }

  /** The file to add a user to: a missing file is an empty one. */
  public static UsersFile loadOrEmpty(Path path) {
    return new UsersFile(path, readLines(path, true));
  }

  static UsersFile parse(Path path, List<String> lines) {
    return new UsersFile(path, lines);
  }

  public Path path() {
    return path;
  }

  public List<String> users() {
    return List.copyOf(entries.keySet());
  }

  List<String> lines() {
    return lines;
  }

  /**
   * True when {@code user} is in the file and {@code password} matches. An unknown user costs one
   * hash too (against a throw-away salt), so the answer's timing does not tell which names exist.
   */
  public boolean verify(String user, char[] password) {
    PasswordHash known = user == null ? null : entries.get(user);
    PasswordHash against = known != null ? known : PasswordHash.dummy(typicalIterations());
    boolean same = against.matches(password);
    return known != null && same;
  }

  private int typicalIterations() {
    return entries.values().stream().findFirst().map(PasswordHash::iterations).orElse(MIN_ITERATIONS);
  }

  /** A copy with {@code user}'s line set to a new salted hash of {@code password}, in place or appended. */
  public UsersFile withUser(String user, char[] password) {
    checkUser(user);
    if (password.length == 0) {
      throw new BadInputException("password for " + user + ": empty");
    }
    PasswordHash e = PasswordHash.of(user, password, MIN_ITERATIONS);
    List<String> out = new ArrayList<>(lines);
    Integer at = lineOfUser.get(user);
    if (at != null) {
      out.set(at, e.line());
    } else {
      out.add(e.line());
    }
    return new UsersFile(path, out);
  }

  /** A copy without {@code user}'s line; refused when the user is not there. */
  public UsersFile withoutUser(String user) {
    Integer at = lineOfUser.get(user);
    if (at == null) {
      throw new BadInputException("users file " + path + ": no user " + user);
    }
    List<String> out = new ArrayList<>(lines);
    out.remove((int) at);
    return new UsersFile(path, out);
  }

  /**
   * Replaces the file in one step (a temporary file next to it, then a rename), readable and
   * writable by the owner alone, so a reader never sees half a file and no one else sees the hashes.
   */
  public void write() {
    Path dir = path.toAbsolutePath().getParent();
    Path tmp = null;
    try {
      tmp = Files.createTempFile(dir, "." + path.getFileName() + ".", ".tmp",
          PosixFilePermissions.asFileAttribute(OWNER_ONLY));
      Files.write(tmp, lines, StandardCharsets.UTF_8);
      // on disk before the rename, so a crash leaves the old file or the new one, not an empty one
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      try {
        Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new BadInputException("users file " + path + ": cannot replace it in one step ("
            + e.getMessage() + ")");
      }
      tmp = null;
    } catch (UnsupportedOperationException e) {
      throw new BadInputException("users file " + path + ": its filesystem has no POSIX permissions, "
          + "so the file could not be made private");
    } catch (IOException e) {
      throw new BadInputException("users file " + path + ": cannot write (" + e + ")");
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // best effort: the temporary file holds no more than the file itself would
        }
      }
    }
  }

  /** True when group or others may read the file; a server says so, as ssh does for keys. */
  public boolean readableByOthers() {
    try {
      Set<PosixFilePermission> p = Files.getPosixFilePermissions(path);
      return p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ);
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  static void checkUser(String user) {
    if (user == null || !USER.matcher(user).matches()) {
      throw new BadInputException("--user " + user + ": 1 to 64 letters, digits or . _ @ -");
    }
  }

  private static List<String> readLines(Path path, boolean missingIsEmpty) {
    try {
      return Files.readAllLines(path, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      if (missingIsEmpty) {
        return List.of();
      }
      throw new BadInputException("users file " + path + ": not found");
    } catch (AccessDeniedException e) {
      throw new BadInputException("users file " + path + ": not readable (permission denied)");
    } catch (CharacterCodingException e) {
      throw new BadInputException("users file " + path + ": not UTF-8 text");
    } catch (IOException e) {
      throw new BadInputException("users file " + path + ": cannot read (" + e.getClass().getSimpleName() + ")");
    }
  }

  /** The entry on {@code line}, or null for a blank or comment line. */
  private static PasswordHash parseLine(Path path, int lineNo, String line) {
    String s = line.strip();
    if (s.isEmpty() || s.startsWith("#")) {
      return null;
    }
    String[] f = s.split(":", -1);
    if (f.length != 5) {
      throw bad(path, lineNo, "expected user:" + ALGORITHM + ":iterations:salt:hash (5 fields), found "
          + f.length + " field" + (f.length == 1 ? "" : "s"));
    }
    if (!USER.matcher(f[0]).matches()) {
      throw bad(path, lineNo, "the user name is not 1 to 64 letters, digits or . _ @ -");
    }
    if (!ALGORITHM.equals(f[1])) {
      throw bad(path, lineNo, "unknown algorithm (only " + ALGORITHM + ")");
    }
    int iterations;
    try {
      iterations = Integer.parseInt(f[2]);
    } catch (NumberFormatException e) {
      throw bad(path, lineNo, "the iteration count is not a number");
    }
    if (iterations < MIN_ITERATIONS) {
      throw bad(path, lineNo, iterations + " iterations, fewer than " + MIN_ITERATIONS
          + " (set the password again with atlas serve-sql-user)");
    }
    byte[] salt = base64(path, lineNo, "salt", f[3]);
    byte[] hash = base64(path, lineNo, "hash", f[4]);
    if (salt.length < PasswordHash.SALT_BYTES) {
      throw bad(path, lineNo, "the salt has " + salt.length + " bytes, fewer than " + PasswordHash.SALT_BYTES);
    }
    if (hash.length < 16 || hash.length > 64) {
      throw bad(path, lineNo, "the hash has " + hash.length + " bytes (expected " + PasswordHash.HASH_BYTES + ")");
    }
    return new PasswordHash(f[0], iterations, salt, hash);
  }

  private static byte[] base64(Path path, int lineNo, String field, String text) {
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw bad(path, lineNo, "the " + field + " is not base64");
    }
  }

  private static BadInputException bad(Path path, int lineNo, String what) {
    return new BadInputException("users file " + path + " line " + lineNo + ": " + what);
  }

  @Override
  public String toString() {
    // never the hashes
    return "UsersFile[" + path + ", users " + entries.keySet() + "]";
  }
}
