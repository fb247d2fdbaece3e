package io.cess.core.account;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class AccountKeysTest {
  private static final HexFormat HEX = HexFormat.of();

  /** RFC 8410 PKCS#8 prefix of an Ed25519 private key; the 32-byte seed follows. */
  private static final String PKCS8_PREFIX = "302e020100300506032b657004220420";

  // RFC 8032 section 7.1, TEST 1.
  private static final String RFC_SEED =
      "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
  private static final String RFC_PUBLIC =
      "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
  private static final String RFC_EMPTY_SIGNATURE =
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";

  @Rule public TemporaryFolder temp = new TemporaryFolder();

  @Test
  public void rfc8032KeyFromPkcs8DerivesPublicKeyAndSignature() {
    AccountKeys keys = AccountKeys.fromPkcs8(HEX.parseHex(PKCS8_PREFIX + RFC_SEED));
    assertEquals(RFC_PUBLIC, HEX.formatHex(keys.publicKey()));
    assertEquals(RFC_EMPTY_SIGNATURE, HEX.formatHex(keys.sign(new byte[0])));
    assertEquals(
        Base64.getEncoder().encodeToString(HEX.parseHex(RFC_PUBLIC)), keys.publicKeyBase64());
    assertEquals(AccountIds.of(HEX.parseHex(RFC_PUBLIC)), keys.accountId());
  }

  @Test
  public void generatedKeysSignAndRoundTripThroughPkcs8() {
    AccountKeys keys = AccountKeys.generate();
    assertEquals(32, keys.publicKey().length);
    assertTrue(AccountIds.isValid(keys.accountId()));
    byte[] message = "hello".getBytes(StandardCharsets.UTF_8);
    byte[] signature = keys.sign(message);
    assertEquals(64, signature.length);
    assertTrue(Ed25519Verifier.verify(keys.publicKey(), message, signature));

    AccountKeys reloaded = AccountKeys.fromPkcs8(keys.privateKeyPkcs8());
    assertArrayEquals(keys.publicKey(), reloaded.publicKey());
    assertEquals(keys.accountId(), reloaded.accountId());
    assertArrayEquals(signature, reloaded.sign(message)); // Ed25519 is deterministic
    assertNotEquals(keys.accountId(), AccountKeys.generate().accountId());
  }

  @Test
  public void publicKeyIsACopy() {
    AccountKeys keys = AccountKeys.generate();
    keys.publicKey()[0] ^= 1;
    assertEquals(AccountIds.of(keys.publicKey()), keys.accountId());
  }

  @Test
  public void toStringShowsOnlyTheAccountId() {
    AccountKeys keys = AccountKeys.generate();
    String text = keys.toString();
    assertTrue(text.contains(keys.accountId()));
    assertFalse(text.contains(Base64.getEncoder().encodeToString(keys.privateKeyPkcs8())));
  }

  @Test
  public void fromPkcs8RefusesGarbageAndOtherKeyTypes() {
    assertThrows(IllegalArgumentException.class, () -> AccountKeys.fromPkcs8(new byte[0]));
    assertThrows(IllegalArgumentException.class, () -> AccountKeys.fromPkcs8(new byte[48]));
    // An X25519 private key: same shape, OID 1.3.101.110 instead of 1.3.101.112.
    assertThrows(
        IllegalArgumentException.class,
        () -> AccountKeys.fromPkcs8(HEX.parseHex("302e020100300506032b656e04220420" + RFC_SEED)));
  }

  @Test
  public void saveAndLoadRoundTripWithOwnerOnlyPermissions() throws IOException {
    AccountKeys keys = AccountKeys.generate();
    Path file = temp.getRoot().toPath().resolve("alice.key");
    keys.save(file);

    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    String content = Files.readString(file);
    assertTrue(content.startsWith("account " + keys.accountId() + "\nprivate-key "));
    AccountKeys loaded = AccountKeys.load(file);
    assertEquals(keys.accountId(), loaded.accountId());
    assertArrayEquals(keys.privateKeyPkcs8(), loaded.privateKeyPkcs8());
  }

  @Test
  public void saveRefusesToOverwrite() throws IOException {
    Path file = temp.getRoot().toPath().resolve("alice.key");
    AccountKeys first = AccountKeys.generate();
    first.save(file);
    assertThrows(FileAlreadyExistsException.class, () -> AccountKeys.generate().save(file));
    assertEquals(first.accountId(), AccountKeys.load(file).accountId());
  }

  @Test
  public void loadRefusesAnIdThatIsNotTheKeys() throws IOException {
    AccountKeys alice = AccountKeys.generate();
    AccountKeys bob = AccountKeys.generate();
    Path file = write("account " + bob.accountId(), "private-key " + pkcs8Base64(alice));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> AccountKeys.load(file));
    assertTrue(e.getMessage(), e.getMessage().contains("names account " + bob.accountId()));
    assertTrue(e.getMessage(), e.getMessage().contains(alice.accountId()));
  }

  @Test
  public void loadRefusesMalformedFilesWithoutLeakingTheKey() throws IOException {
    AccountKeys keys = AccountKeys.generate();
    String id = keys.accountId();
    String key = pkcs8Base64(keys);
    assertMalformed("expected 2 lines", "account " + id);
    assertMalformed("expected 2 lines", "account " + id, "private-key " + key, "extra");
    assertMalformed("expected 2 lines");
    assertMalformed("line 1 must be 'account <id>'", "acount " + id, "private-key " + key);
    assertMalformed(
        "line 1 does not hold a valid account id",
        "account " + id.toUpperCase(),
        "private-key " + key);
    assertMalformed(
        "line 1 does not hold a valid account id", "account  " + id, "private-key " + key);
    assertMalformed("line 2 must be 'private-key", "account " + id, "private_key " + key);
    assertMalformed("line 1 must be 'account <id>'", "private-key " + key, "account " + id);
    assertMalformed("not valid base64", "account " + id, "private-key " + key.substring(1) + "!");
    assertMalformed("not valid base64", "account " + id, "private-key " + key + " ");
    assertMalformed("not a PKCS#8 Ed25519 private key", "account " + id, "private-key AAAA");
    assertMalformed("the private key is missing", "account " + id, "private-key ");
  }

  private void assertMalformed(String expectedMessagePart, String... lines) throws IOException {
    Path file = write(lines);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> AccountKeys.load(file));
    assertTrue(e.getMessage(), e.getMessage().startsWith("malformed key file " + file));
    assertTrue(e.getMessage(), e.getMessage().contains(expectedMessagePart));
    for (String line : lines) {
      if (line.startsWith("private-key ") && line.length() > 20) {
        assertFalse(e.getMessage(), e.getMessage().contains(line.substring(12)));
      }
    }
  }

  private Path write(String... lines) throws IOException {
    Path file = temp.newFile().toPath();
    Files.writeString(file, String.join("\n", lines) + (lines.length == 0 ? "" : "\n"));
    return file;
  }

  private static String pkcs8Base64(AccountKeys keys) {
    return Base64.getEncoder().encodeToString(keys.privateKeyPkcs8());
  }
}
