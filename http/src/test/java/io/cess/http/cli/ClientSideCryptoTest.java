package io.cess.http.cli;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import io.cess.core.crypto.CryptoException;
import io.cess.core.crypto.SegmentCipher;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.junit.Test;

public class ClientSideCryptoTest {

  private final byte[] key = SegmentCipher.newDataKey();

  @Test
  public void roundTripsAtSegmentEdgesAndPredictsTheLength() throws Exception {
    Random random = new Random(42);
    int seg = ClientSideCrypto.SEGMENT_BYTES;
    for (int size : new int[] {0, 1, 4097, seg - 1, seg, seg + 1}) {
      byte[] plain = new byte[size];
      random.nextBytes(plain);
      ClientSideCrypto crypto = new ClientSideCrypto(key, "/v1/buckets/b/objects/k");
      byte[] sealed = crypto.encrypting(new ByteArrayInputStream(plain)).readAllBytes();
      assertEquals("size " + size, ClientSideCrypto.sealedLength(size), sealed.length);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      assertEquals(size, crypto.decrypt(new ByteArrayInputStream(sealed), out));
      assertArrayEquals("size " + size, plain, out.toByteArray());
    }
  }

  @Test
  public void anObjectMovedToAnotherPathDoesNotDecrypt() throws Exception {
    byte[] plain = new byte[1000];
    byte[] sealed = new ClientSideCrypto(key, "/v1/buckets/b/objects/k")
        .encrypting(new ByteArrayInputStream(plain)).readAllBytes();
    ClientSideCrypto elsewhere = new ClientSideCrypto(key, "/v1/buckets/b/objects/other");
    assertThrows(CryptoException.class, () -> elsewhere.decrypt(new ByteArrayInputStream(sealed), new ByteArrayOutputStream()));
  }
}
