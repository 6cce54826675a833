package org.subnetatlas.jobs.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.subnetatlas.transforms.BadInputException;

/** The users file: its line format, password checks, atomic private writes and malformed lines. */
class UsersFileTest {

  private static final char[] SECRET = "correct horse battery staple".toCharArray();
  // one real entry hashed once for the class: each hash costs 210,000 PBKDF2 rounds
  private static String aliceLine;

  @TempDir
  Path dir;

  @BeforeAll
  static void hashOnce() {
    aliceLine = PasswordHash.of("alice", SECRET, PasswordHash.MIN_ITERATIONS).line();
  }

  @Test
  void aWrittenFileReadsBackAndChecksThePassword() throws IOException {
    Path file = dir.resolve("users");
    UsersFile.loadOrEmpty(file).withUser("alice", SECRET).write();

    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    String line = Files.readString(file).strip();
    String[] f = line.split(":");
    assertEquals(5, f.length, "user:algorithm:iterations:salt:hash");
    assertEquals(List.of("alice", "PBKDF2WithHmacSHA256", "210000"), List.of(f[0], f[1], f[2]));
    assertEquals(16, Base64.getDecoder().decode(f[3]).length, "16-byte salt");
    assertEquals(32, Base64.getDecoder().decode(f[4]).length, "256-bit hash");
    assertFalse(Files.readString(file).contains(new String(SECRET)));

    UsersFile read = UsersFile.load(file);
    assertEquals(List.of("alice"), read.users());
    assertTrue(read.verify("alice", SECRET.clone()));
    assertFalse(read.verify("alice", "correct horse battery stapler".toCharArray()));
    assertFalse(read.verify("alice", new char[0]));
    assertFalse(read.verify("bob", SECRET.clone()), "an unknown user is refused, whatever the password");
    assertFalse(read.verify(null, SECRET.clone()));
    try (var tmp = Files.list(dir)) {
      assertEquals(List.of(file), tmp.toList(), "no temporary file left behind");
    }
  }

  @Test
  void settingAPasswordAgainReplacesThatLineAndKeepsTheRest() throws IOException {
    Path file = dir.resolve("users");
    Files.writeString(file, "# analysts\n" + aliceLine + "\n\nbob" + aliceLine.substring(5) + "\n");
    UsersFile before = UsersFile.load(file);
    before.withUser("alice", "new one".toCharArray()).write();

    List<String> lines = Files.readAllLines(file);
    assertEquals(4, lines.size(), lines.toString());
    assertEquals("# analysts", lines.get(0));
    assertTrue(lines.get(1).startsWith("alice:"), lines.get(1));
    assertNotEquals(aliceLine, lines.get(1), "a new salt and hash");
    assertEquals("", lines.get(2));
    assertTrue(lines.get(3).startsWith("bob:"));
    UsersFile after = UsersFile.load(file);
    assertTrue(after.verify("alice", "new one".toCharArray()));
    assertFalse(after.verify("alice", SECRET.clone()));
    assertTrue(after.verify("bob", SECRET.clone()), "bob's line is untouched");

    after.withoutUser("bob").write();
    assertEquals(List.of("alice"), UsersFile.load(file).users());
  }

  @Test
  void malformedLinesNameTheFileAndLineButNeverTheHash() {
    String[] f = aliceLine.split(":");
    String salt = f[3];
    String hash = f[4];
    String shortSalt = Base64.getEncoder().encodeToString(new byte[8]);
    List<List<String>> cases = List.of(
        List.of("alice:" + hash, "expected user:PBKDF2WithHmacSHA256:iterations:salt:hash (5 fields), found 2 fields"),
        List.of("alice:PBKDF2WithHmacSHA1:210000:" + salt + ":" + hash, "unknown algorithm"),
        List.of("alice:PBKDF2WithHmacSHA256:1000:" + salt + ":" + hash, "1000 iterations, fewer than 210000"),
        List.of("alice:PBKDF2WithHmacSHA256:lots:" + salt + ":" + hash, "the iteration count is not a number"),
        List.of("alice:PBKDF2WithHmacSHA256:210000:" + salt + ":" + hash + "!!", "the hash is not base64"),
        List.of("alice:PBKDF2WithHmacSHA256:210000:" + shortSalt + ":" + hash, "the salt has 8 bytes"),
        List.of("al ice:PBKDF2WithHmacSHA256:210000:" + salt + ":" + hash, "the user name is not"),
        List.of(aliceLine.replace("alice:", "bob:") + "\n" + aliceLine.replace("alice:", "bob:"),
            "user bob is already on line 2"));
    for (List<String> c : cases) {
      Path file = dir.resolve("users");
      List<String> lines = List.of(("# first line\n" + c.get(0)).split("\n"));
      BadInputException e = assertThrows(BadInputException.class, () -> UsersFile.parse(file, lines), c.get(1));
      int badLine = c.get(1).startsWith("user bob") ? 3 : 2;
      assertTrue(e.getMessage().startsWith("users file " + file + " line " + badLine + ": "), e.getMessage());
      assertTrue(e.getMessage().contains(c.get(1)), e.getMessage());
      assertFalse(e.getMessage().contains(hash), "the hash is never echoed: " + e.getMessage());
      assertFalse(e.getMessage().contains(salt), "nor the salt: " + e.getMessage());
    }
  }

  @Test
  void aMissingOrEmptyFileIsBadInputForTheServerButAStartForAddingUsers() throws IOException {
    Path missing = dir.resolve("none");
    assertEquals("users file " + missing + ": not found",
        assertThrows(BadInputException.class, () -> UsersFile.load(missing)).getMessage());
    assertEquals(List.of(), UsersFile.loadOrEmpty(missing).users());

    Path empty = Files.writeString(dir.resolve("empty"), "# nobody yet\n\n");
    assertTrue(assertThrows(BadInputException.class, () -> UsersFile.load(empty)).getMessage()
        .startsWith("users file " + empty + ": no users in it"));

    Path unreadable = Files.writeString(dir.resolve("locked"), aliceLine + "\n");
    Files.setPosixFilePermissions(unreadable, PosixFilePermissions.fromString("---------"));
    if (!Files.isReadable(unreadable)) { // root reads anything
      assertEquals("users file " + unreadable + ": not readable (permission denied)",
          assertThrows(BadInputException.class, () -> UsersFile.load(unreadable)).getMessage());
    }
  }

  @Test
  void badUserNamesAndEmptyPasswordsAreRefusedWhenAdding() {
    UsersFile none = UsersFile.parse(dir.resolve("users"), List.of());
    assertThrows(BadInputException.class, () -> none.withUser("a:b", SECRET.clone()));
    assertThrows(BadInputException.class, () -> none.withUser("", SECRET.clone()));
    assertThrows(BadInputException.class, () -> none.withUser("alice", new char[0]));
    assertThrows(BadInputException.class, () -> none.withoutUser("alice"));
  }

  @Test
  void anUnknownUserCostsAHashLikeAWrongPassword() {
    UsersFile users = UsersFile.parse(dir.resolve("users"), List.of(aliceLine));
    users.verify("nobody", SECRET.clone()); // warm-up: the dummy salt and the JIT
    long wrong = Long.MAX_VALUE;
    long unknown = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      long t0 = System.nanoTime();
      users.verify("alice", "wrong".toCharArray());
      long t1 = System.nanoTime();
      users.verify("nobody", "wrong".toCharArray());
      long t2 = System.nanoTime();
      wrong = Math.min(wrong, t1 - t0);
      unknown = Math.min(unknown, t2 - t1);
    }
    // loose bound: this machine's speed drifts 2x; a skipped hash would be 1000x faster
    assertTrue(unknown > wrong / 4, "unknown user " + unknown / 1e6 + " ms vs wrong password " + wrong / 1e6 + " ms");
  }
}
