package org.subnetatlas.jobs.sql;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/** One user's salted PBKDF2 hash, as a users file stores it; never the password. */
record PasswordHash(String user, int iterations, byte[] salt, byte[] hash) {

  static final String ALGORITHM = "PBKDF2WithHmacSHA256";
  /** OWASP's 2023 figure for PBKDF2-HMAC-SHA256; fewer is refused when reading, too. */
  static final int MIN_ITERATIONS = 210_000;
  static final int SALT_BYTES = 16;
  static final int HASH_BYTES = 32;

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Map<Integer, PasswordHash> DUMMIES = new ConcurrentHashMap<>();

  /** A new random salt and the hash of {@code password} with it. */
  static PasswordHash of(String user, char[] password, int iterations) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    return new PasswordHash(user, iterations, salt, pbkdf2(password, salt, iterations, HASH_BYTES));
  }

  /** The throw-away entry unknown users are hashed against, one per iteration count. */
  static PasswordHash dummy(int iterations) {
    return DUMMIES.computeIfAbsent(iterations, n -> {
      byte[] salt = new byte[SALT_BYTES];
      byte[] hash = new byte[HASH_BYTES];
      RANDOM.nextBytes(salt);
      RANDOM.nextBytes(hash);
      return new PasswordHash("", n, salt, hash);
    });
  }

  /** Hashes {@code password} with this salt and compares in constant time. */
  boolean matches(char[] password) {
    return MessageDigest.isEqual(pbkdf2(password, salt, iterations, hash.length), hash);
  }

  /** The users file line. */
  String line() {
    Base64.Encoder b64 = Base64.getEncoder();
    return user + ":" + ALGORITHM + ":" + iterations + ":" + b64.encodeToString(salt) + ":"
        + b64.encodeToString(hash);
  }

  @Override
  public String toString() {
    return "PasswordHash[" + user + "]";
  }

  private static byte[] pbkdf2(char[] password, byte[] salt, int iterations, int bytes) {
    PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, bytes * 8);
    try {
      return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(ALGORITHM + " is missing from this JDK", e);
    } finally {
      spec.clearPassword();
    }
  }
}
