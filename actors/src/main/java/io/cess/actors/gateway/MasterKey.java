package io.cess.actors.gateway;

import java.nio.file.Path;

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
    return new MasterKey(io.cess.actors.SecretFile.loadOrCreate(file, "master key"));
  }

  byte[] bytes() {
    return key.clone();
  }
}
