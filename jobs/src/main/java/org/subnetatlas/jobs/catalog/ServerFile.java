package org.subnetatlas.jobs.catalog;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * {@code <metastore>/server.json}: where the catalog server of one metastore directory listens and
 * the password its clients use. Written by the server once it answers, removed when it stops.
 * The server JVM runs with Derby, Jackson and this package alone on its classpath, so it starts
 * fast.
 *
 * @param port TCP port on 127.0.0.1
 * @param pid the server's process id
 * @param password the password of the catalog user; the file is readable by its owner only
 * @param startedAt when the server started (ISO-8601)
 */
public record ServerFile(@JsonProperty("port") int port, @JsonProperty("pid") long pid,
    @JsonProperty("password") String password, @JsonProperty("started_at") String startedAt) {

  static final String NAME = "server.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The file in {@code dir}, or empty when there is none or it cannot be read as one. */
  public static Optional<ServerFile> read(Path dir) {
    String text;
    try {
      text = Files.readString(dir.resolve(NAME), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return Optional.empty();  // none yet, or one being replaced: both mean "no server known"
    }
    try {
      ServerFile f = JSON.readValue(text, ServerFile.class);
      return f.port() > 0 && f.pid() > 0 && f.password() != null ? Optional.of(f) : Optional.empty();
    } catch (JsonProcessingException e) {
      return Optional.empty();  // damaged or not ours: no server known
    }
  }

  /** Writes the file whole (a temporary file moved into place), readable by its owner only. */
  void write(Path dir) throws IOException {
    String json = JSON.writeValueAsString(this) + "\n";
    Path tmp = dir.resolve(NAME + "." + pid + ".tmp");
    Files.deleteIfExists(tmp);
    try {
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(tmp);
    } catch (FileAlreadyExistsException e) {
      throw new IOException("cannot create " + tmp, e);
    }
    Files.writeString(tmp, json, StandardCharsets.UTF_8);
    try {
      Files.move(tmp, dir.resolve(NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, dir.resolve(NAME), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Removes the file when it still names server {@code pid} (a newer server may own it by now). */
  static void removeIfOwnedBy(Path dir, long pid) throws IOException {
    Optional<ServerFile> now = read(dir);
    if (now.isPresent() && now.get().pid() == pid) {
      Files.deleteIfExists(dir.resolve(NAME));
    }
  }

  @Override
  public String toString() {
    // never print the password
    return "ServerFile[port=" + port + ", pid=" + pid + ", startedAt=" + startedAt + "]";
  }
}
