package io.cess.core.account;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * An account's Ed25519 key pair: the account signs its native-API requests with it, and its id is
 * derived from the public key ({@link AccountIds#of}). The private key leaves this class only as
 * PKCS#8 ({@link #privateKeyPkcs8()}) or in a key file ({@link #save}/{@link #load}); {@link
 * #toString()} shows the account id only. Instances are immutable and thread-safe.
 *
 * <p>Key file format (UTF-8, owner-only permissions):
 *
 * <pre>
 * account cess0123...
 * private-key MC4CAQAwBQYDK2VwBCIEI...
 * </pre>
 */
public final class AccountKeys {
  private static final String ACCOUNT_LINE = "account ";
  private static final String PRIVATE_KEY_LINE = "private-key ";
  private static final int X509_BYTES = Ed25519Verifier.X509_PREFIX.length + 32;

  private final PrivateKey privateKey;
  private final byte[] rawPublicKey;
  private final String accountId;

  private AccountKeys(KeyPair pair) {
    this.privateKey = pair.getPrivate();
    this.rawPublicKey = rawPublicKey(pair.getPublic());
    this.accountId = AccountIds.of(rawPublicKey);
  }

  /** A fresh key pair from the JDK's default SecureRandom. */
  public static AccountKeys generate() {
    try {
      return new AccountKeys(KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK always provides Ed25519", e);
    }
  }

  /**
   * The key pair of a PKCS#8-encoded Ed25519 private key, as written by {@link #privateKeyPkcs8()}.
   *
   * @throws IllegalArgumentException if the bytes are not an Ed25519 private key
   */
  public static AccountKeys fromPkcs8(byte[] pkcs8) {
    Objects.requireNonNull(pkcs8, "pkcs8");
    PrivateKey key;
    try {
      key = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException("not a PKCS#8 Ed25519 private key", e);
    }
    if (!(key instanceof EdECPrivateKey edKey)
        || !"Ed25519".equalsIgnoreCase(edKey.getParams().getName())) {
      throw new IllegalArgumentException("the private key is not an Ed25519 key");
    }
    byte[] seed =
        edKey
            .getBytes()
            .orElseThrow(
                () -> new IllegalArgumentException("the private key bytes are not extractable"));
    try {
      return new AccountKeys(pairFromSeed(seed));
    } finally {
      Arrays.fill(seed, (byte) 0);
    }
  }

  /**
   * The JDK has no public API that derives an Ed25519 public key from a private key, but its key
   * pair generator builds the pair from 32 random bytes; feeding it the seed gives the pair. The
   * result is checked (same private key, and a signature that verifies with the derived public key)
   * so that a provider that draws its randomness differently fails loudly instead of producing a
   * wrong account id.
   */
  private static KeyPair pairFromSeed(byte[] seed) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
      generator.initialize(NamedParameterSpec.ED25519, new SeedRandom(seed));
      KeyPair pair = generator.generateKeyPair();
      byte[] derivedSeed = ((EdECPrivateKey) pair.getPrivate()).getBytes().orElseThrow();
      boolean sameSeed = Arrays.equals(seed, derivedSeed);
      Arrays.fill(derivedSeed, (byte) 0);
      byte[] probe = "cess/account-key-check".getBytes(StandardCharsets.US_ASCII);
      if (!sameSeed
          || !Ed25519Verifier.verify(
              rawPublicKey(pair.getPublic()), probe, sign(pair.getPrivate(), probe))) {
        throw new IllegalStateException(
            "the JDK's Ed25519 generator did not reproduce the key pair");
      }
      return pair;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK always provides Ed25519", e);
    }
  }

  /** Hands out the seed once, then refuses: the generator asks for exactly 32 bytes. */
  private static final class SeedRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private transient byte[] seed;

    SeedRandom(byte[] seed) {
      this.seed = seed.clone();
    }

    @Override
    public void nextBytes(byte[] bytes) {
      if (seed == null || bytes.length != seed.length) {
        throw new IllegalStateException("the Ed25519 generator asked for unexpected randomness");
      }
      System.arraycopy(seed, 0, bytes, 0, seed.length);
      Arrays.fill(seed, (byte) 0);
      seed = null;
    }
  }

  /** The private key as PKCS#8 (RFC 8410 encoding), for key files. */
  public byte[] privateKeyPkcs8() {
    return privateKey.getEncoded();
  }

  /** The raw 32-byte Ed25519 public key. */
  public byte[] publicKey() {
    return rawPublicKey.clone();
  }

  /** The raw public key in standard padded base64. */
  public String publicKeyBase64() {
    return Base64.getEncoder().encodeToString(rawPublicKey);
  }

  public String accountId() {
    return accountId;
  }

  /** The 64-byte Ed25519 signature of {@code message}. */
  public byte[] sign(byte[] message) {
    Objects.requireNonNull(message, "message");
    try {
      return sign(privateKey, message);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed", e);
    }
  }

  private static byte[] sign(PrivateKey key, byte[] message) throws GeneralSecurityException {
    Signature signer = Signature.getInstance("Ed25519");
    signer.initSign(key);
    signer.update(message);
    return signer.sign();
  }

  /** The last 32 bytes of the 44-byte SubjectPublicKeyInfo, after checking its Ed25519 prefix. */
  private static byte[] rawPublicKey(PublicKey publicKey) {
    byte[] encoded = publicKey.getEncoded();
    if (encoded.length != X509_BYTES
        || !Arrays.equals(
            encoded,
            0,
            Ed25519Verifier.X509_PREFIX.length,
            Ed25519Verifier.X509_PREFIX,
            0,
            Ed25519Verifier.X509_PREFIX.length)) {
      throw new IllegalStateException("unexpected Ed25519 public key encoding");
    }
    return Arrays.copyOfRange(encoded, Ed25519Verifier.X509_PREFIX.length, X509_BYTES);
  }

  /**
   * Writes the key file, created with owner-only permissions ({@code rw-------}) from the start so
   * that the key is never readable by others, not even briefly.
   *
   * @throws java.nio.file.FileAlreadyExistsException if the file exists: a key is never overwritten
   * @throws UnsupportedOperationException on a file system without POSIX permissions
   */
  public void save(Path file) throws IOException {
    String content =
        ACCOUNT_LINE
            + accountId
            + "\n"
            + PRIVATE_KEY_LINE
            + Base64.getEncoder().encodeToString(privateKeyPkcs8())
            + "\n";
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, content, StandardCharsets.UTF_8, StandardOpenOption.WRITE);
  }

  /**
   * Reads a key file written by {@link #save}, and checks that its account line names the key.
   *
   * @throws IllegalArgumentException if the file is malformed or its id does not match its key; the
   *     message names the file and line but never contains key material
   */
  public static AccountKeys load(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    if (lines.size() != 2) {
      throw malformed(
          file, "expected 2 lines ('account <id>', 'private-key <base64>'), found " + lines.size());
    }
    String accountLine = lines.get(0);
    String keyLine = lines.get(1);
    if (!accountLine.startsWith(ACCOUNT_LINE)) {
      throw malformed(file, "line 1 must be 'account <id>'");
    }
    String id = accountLine.substring(ACCOUNT_LINE.length());
    if (!AccountIds.isValid(id)) {
      throw malformed(file, "line 1 does not hold a valid account id");
    }
    if (!keyLine.startsWith(PRIVATE_KEY_LINE)) {
      throw malformed(file, "line 2 must be 'private-key <base64 PKCS#8>'");
    }
    AccountKeys keys;
    try {
      keys =
          fromPkcs8(
              AccountIds.decodeCanonicalBase64(
                  keyLine.substring(PRIVATE_KEY_LINE.length()), "private key"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "malformed key file " + file + ": line 2: " + e.getMessage(), e);
    }
    if (!keys.accountId.equals(id)) {
      throw malformed(
          file, "line 1 names account " + id + " but the key belongs to " + keys.accountId);
    }
    return keys;
  }

  private static IllegalArgumentException malformed(Path file, String reason) {
    return new IllegalArgumentException("malformed key file " + file + ": " + reason);
  }

  @Override
  public String toString() {
    return "AccountKeys[" + accountId + "]";
  }
}
