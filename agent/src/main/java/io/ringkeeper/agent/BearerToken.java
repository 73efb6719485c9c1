package io.ringkeeper.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Checks {@code Authorization: Bearer <token>} against the token file.
 *
 * <p>The file is re-read when its modification time changes, so a rotated Kubernetes Secret takes effect
 * without restarting Cassandra. Both sides are hashed with SHA-256 before a constant-time comparison, so
 * neither the content nor the length of the token leaks through response timing. The token is never
 * logged and never part of an exception message.
 */
final class BearerToken {
  private static final String PREFIX = "Bearer ";

  private final Path file;
  private volatile FileTime loadedAt;
  private volatile byte[] expectedDigest;

  BearerToken(Path file) {
    this.file = file;
  }

  /** The outcome of checking one request's credentials. */
  enum Verdict {
    OK,
    MISSING,
    WRONG,
    NO_TOKEN_CONFIGURED
  }

  Verdict check(String authorizationHeader) {
    byte[] expected = currentDigest();
    if (expected == null) {
      return Verdict.NO_TOKEN_CONFIGURED;
    }
    if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      return Verdict.MISSING;
    }
    byte[] given = sha256(authorizationHeader.substring(PREFIX.length()).trim());
    return MessageDigest.isEqual(expected, given) ? Verdict.OK : Verdict.WRONG;
  }

  /** The digest of the file's token, reloaded when the file changed; null when it is missing or empty. */
  private byte[] currentDigest() {
    try {
      FileTime modified = Files.getLastModifiedTime(file);
      if (expectedDigest == null || !modified.equals(loadedAt)) {
        synchronized (this) {
          if (expectedDigest == null || !modified.equals(loadedAt)) {
            String token = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).trim();
            expectedDigest = token.isEmpty() ? null : sha256(token);
            loadedAt = modified;
          }
        }
      }
      return expectedDigest;
    } catch (IOException e) {
      // Keep serving with the last good token: a Secret being swapped is briefly unreadable.
      return expectedDigest;
    }
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }
}
