package io.cess.core.crypto;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;

import java.util.Arrays;
import org.junit.Test;

public class MasterKeyWrapTest {
  private final byte[] masterKey = SegmentCipher.newDataKey();
  private final MasterKeyWrap wrap = new MasterKeyWrap(masterKey);

  @Test
  public void accountPrivateKeyRoundTripsAndDataKeysOpenThroughIt() {
    X25519KeyPair account = KeyWrap.generateKeyPair();
    byte[] stored = wrap.wrap("alice", account.privateKey());
    assertEquals(1 + 12 + 32 + 16, stored.length);
    byte[] accountPrivate = new MasterKeyWrap(masterKey).unwrap("alice", stored);
    assertArrayEquals(account.privateKey(), accountPrivate);

    KeyWrap keyWrap = new KeyWrap();
    byte[] dataKey = SegmentCipher.newDataKey();
    WrappedKey forAlice = keyWrap.wrap(dataKey, account.publicKey());
    assertArrayEquals(dataKey, keyWrap.unwrap(forAlice, accountPrivate));
  }

  @Test
  public void anotherAccountOrMasterKeyCannotOpenIt() {
    byte[] stored = wrap.wrap("alice", SegmentCipher.newDataKey());
    assertThrows(CryptoException.class, () -> wrap.unwrap("bob", stored));
    assertThrows(CryptoException.class, () -> wrap.unwrap("alice ", stored));
    assertThrows(
        CryptoException.class,
        () -> new MasterKeyWrap(SegmentCipher.newDataKey()).unwrap("alice", stored));
  }

  @Test
  public void tamperingAndTruncationAreRejected() {
    byte[] stored = wrap.wrap("alice", SegmentCipher.newDataKey());
    for (int i = 0; i < stored.length; i++) {
      byte[] tampered = stored.clone();
      tampered[i] ^= 0x01;
      assertThrows("flip at " + i, CryptoException.class, () -> wrap.unwrap("alice", tampered));
    }
    for (int length = 0; length < stored.length; length++) {
      byte[] truncated = Arrays.copyOf(stored, length);
      assertThrows(CryptoException.class, () -> wrap.unwrap("alice", truncated));
    }
  }

  @Test
  public void twoWrapsDiffer() {
    byte[] key = SegmentCipher.newDataKey();
    assertFalse(Arrays.equals(wrap.wrap("alice", key), wrap.wrap("alice", key)));
  }

  @Test
  public void masterKeyMustBeThirtyTwoBytes() {
    assertThrows(IllegalArgumentException.class, () -> new MasterKeyWrap(new byte[16]));
  }
}
