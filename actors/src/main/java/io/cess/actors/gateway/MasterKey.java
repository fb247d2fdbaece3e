package io.cess.actors.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The cluster's master key, under which gateways wrap every file's data key. All gateways of a
 * cluster must share it (a file written through one gateway is read through any other): it lives
 * in a file readable only by its owner, created on first use. Losing it loses every file.
 */
public final class MasterKey {

  private final byte[] key;

  private MasterKey(byte[] key) {
    this.key = key;
  }

  /** Reads the key file, or creates it with a fresh random key if it does not exist yet. */
  public static MasterKey loadOrCreate(Path file) {
    try {
      if (!Files.exists(file)) {
        byte[] fresh = new byte[32];
        new SecureRandom().nextBytes(fresh);
        Files.createDirectories(file.toAbsolutePath().getParent());
        try {
          Files.writeString(
              file,
              Base64.getEncoder().encodeToString(fresh) + "\n",
              StandardOpenOption.CREATE_NEW,
              StandardOpenOption.WRITE);
          Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (FileAlreadyExistsException raced) {
          // another node of this home created it first: use theirs
        }
      }
      byte[] key = Base64.getDecoder().decode(Files.readString(file).trim());
      if (key.length != 32) {
        throw new IllegalArgumentException("master key in " + file + " must be 32 bytes (base64), is " + key.length);
      }
      return new MasterKey(key);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create the master key " + file, e);
    }
  }

  byte[] bytes() {
    return key.clone();
  }
}
