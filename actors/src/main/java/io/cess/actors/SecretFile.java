package io.cess.actors;

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
 * A 32-byte secret kept base64 in a file readable only by its owner, created with fresh random
 * bytes on first use (the cluster master key, the cluster secret). Nodes of one local home that
 * start together race to create it: the first one wins and the others read it.
 */
public final class SecretFile {

  private SecretFile() {}

  public static byte[] loadOrCreate(Path file, String what) {
    try {
      if (!Files.exists(file)) {
        byte[] fresh = new byte[32];
        new SecureRandom().nextBytes(fresh);
        Files.createDirectories(file.toAbsolutePath().getParent());
        try {
          Files.writeString(file, Base64.getEncoder().encodeToString(fresh) + "\n", StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
          Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (FileAlreadyExistsException raced) {
          // another node of this home created it first: use theirs
        }
      }
      byte[] key = Base64.getDecoder().decode(Files.readString(file).trim());
      if (key.length != 32) {
        throw new IllegalArgumentException(what + " in " + file + " must be 32 bytes (base64), is " + key.length);
      }
      return key;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create the " + what + " " + file, e);
    }
  }
}
