package io.cess.core.bench;

import io.cess.core.crypto.SegmentCipher;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Candidate segment AEADs over one 16 MiB segment, each next to the baselines measured in the
 * same run: a plain {@code System.arraycopy} of the segment and raw JDK AES-256-CTR without a MAC.
 * The project's {@link SegmentCipher} (AES-256-GCM over 64 KiB chunks, see docs/crypto.md) is
 * measured as well, both directions.
 *
 * <p>Every operation processes one {@link #SEGMENT_BYTES} segment, so MB/s = ops/s * 16.777 (MB =
 * 10^6 bytes). "OneShot" variants hand the JDK the whole segment in one call, "Chunked" ones in
 * 64 KiB calls: HotSpot swaps in the AES-NI/CLMUL/SHA-NI intrinsics only once the calling code is
 * compiled, which a handful of 16 MiB calls per second never triggers. Each fork is a fresh JVM,
 * so every benchmark starts cold. Each invocation uses a fresh nonce (the JDK refuses to re-init
 * GCM encryption with a repeated key and IV), taken from a counter to keep setup cost out.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class SegmentCipherBench {
  static final int SEGMENT_BYTES = 16 << 20;
  private static final int CHUNK_BYTES = 64 * 1024;

  private byte[] plaintext;
  private byte[] out;
  private byte[] encKeyBytes;
  private byte[] macKeyBytes;
  private SecretKeySpec aesKey;
  private SecretKeySpec chachaKey;
  private SecretKeySpec hmacKey;
  private Cipher aesCtr;
  private Cipher aesGcm;
  private Cipher chacha;
  private Mac hmac;
  private GCMModeCipher bcGcm;
  private Poly1305 poly1305;
  private long counter;
  private SegmentCipher segmentCipher;
  private byte[] dataKey;
  private byte[] segmentCiphertext;
  private byte[] gcmCiphertext;
  private byte[] gcmCiphertextNonce;

  @Setup
  public void setup() throws Exception {
    Random random = new Random(1);
    plaintext = new byte[SEGMENT_BYTES];
    random.nextBytes(plaintext);
    out = new byte[SEGMENT_BYTES + 64];
    encKeyBytes = new byte[32];
    macKeyBytes = new byte[32];
    random.nextBytes(encKeyBytes);
    random.nextBytes(macKeyBytes);
    aesKey = new SecretKeySpec(encKeyBytes, "AES");
    chachaKey = new SecretKeySpec(encKeyBytes, "ChaCha20");
    hmacKey = new SecretKeySpec(macKeyBytes, "HmacSHA256");
    aesCtr = Cipher.getInstance("AES/CTR/NoPadding");
    aesGcm = Cipher.getInstance("AES/GCM/NoPadding");
    chacha = Cipher.getInstance("ChaCha20-Poly1305");
    hmac = Mac.getInstance("HmacSHA256");
    hmac.init(hmacKey);
    bcGcm = GCMBlockCipher.newInstance(AESEngine.newInstance());
    poly1305 = new Poly1305();
    segmentCipher = new SegmentCipher();
    dataKey = SegmentCipher.newDataKey();
    segmentCiphertext = segmentCipher.encrypt(dataKey, "bench-file", 0, plaintext);
    gcmCiphertextNonce = nextNonce(12);
    Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
    gcm.init(Cipher.ENCRYPT_MODE, aesKey, new GCMParameterSpec(128, gcmCiphertextNonce));
    gcmCiphertext = gcm.doFinal(plaintext);
  }

  private byte[] nextNonce(int length) {
    byte[] nonce = new byte[length];
    ByteBuffer.wrap(nonce).putLong(++counter);
    return nonce;
  }

  // ---- baselines ----

  @Benchmark
  public byte[] baselineArraycopy() {
    System.arraycopy(plaintext, 0, out, 0, SEGMENT_BYTES);
    return out;
  }

  @Benchmark
  public byte[] baselineJdkAesCtrOneShot() throws Exception {
    aesCtr.init(Cipher.ENCRYPT_MODE, aesKey, new IvParameterSpec(nextNonce(16)));
    aesCtr.doFinal(plaintext, 0, SEGMENT_BYTES, out, 0);
    return out;
  }

  @Benchmark
  public byte[] baselineJdkAesCtrChunked() throws Exception {
    aesCtr.init(Cipher.ENCRYPT_MODE, aesKey, new IvParameterSpec(nextNonce(16)));
    int written = 0;
    for (int offset = 0; offset < SEGMENT_BYTES; offset += CHUNK_BYTES) {
      written += aesCtr.update(plaintext, offset, CHUNK_BYTES, out, written);
    }
    aesCtr.doFinal(out, written);
    return out;
  }

  /** The MAC of the encrypt-then-MAC candidate alone. */
  @Benchmark
  public byte[] componentJdkHmacSha256Chunked() throws Exception {
    for (int offset = 0; offset < SEGMENT_BYTES; offset += CHUNK_BYTES) {
      hmac.update(plaintext, offset, CHUNK_BYTES);
    }
    return hmac.doFinal();
  }

  /** The MAC of the AES-CTR + Poly1305 candidate alone (BouncyCastle, pure Java). */
  @Benchmark
  public byte[] componentBcPoly1305() {
    poly1305.init(new KeyParameter(nextNonce(32)));
    poly1305.update(plaintext, 0, SEGMENT_BYTES);
    poly1305.doFinal(out, 0);
    return out;
  }

  // ---- candidates ----

  @Benchmark
  public byte[] jdkAesGcmOneShot() throws Exception {
    aesGcm.init(Cipher.ENCRYPT_MODE, aesKey, new GCMParameterSpec(128, nextNonce(12)));
    aesGcm.doFinal(plaintext, 0, SEGMENT_BYTES, out, 0);
    return out;
  }

  /**
   * One GCM message fed in 64 KiB updates (encryption only: the JDK buffers a GCM decryption until
   * doFinal, so this shape cannot be used to decrypt).
   */
  @Benchmark
  public byte[] jdkAesGcmChunked() throws Exception {
    aesGcm.init(Cipher.ENCRYPT_MODE, aesKey, new GCMParameterSpec(128, nextNonce(12)));
    int written = 0;
    for (int offset = 0; offset < SEGMENT_BYTES; offset += CHUNK_BYTES) {
      written += aesGcm.update(plaintext, offset, CHUNK_BYTES, out, written);
    }
    aesGcm.doFinal(out, written);
    return out;
  }

  @Benchmark
  public byte[] jdkAesGcmOneShotDecrypt() throws Exception {
    aesGcm.init(Cipher.DECRYPT_MODE, aesKey, new GCMParameterSpec(128, gcmCiphertextNonce));
    aesGcm.doFinal(gcmCiphertext, 0, gcmCiphertext.length, out, 0);
    return out;
  }

  @Benchmark
  public byte[] jdkChaCha20Poly1305Chunked() throws Exception {
    chacha.init(Cipher.ENCRYPT_MODE, chachaKey, new IvParameterSpec(nextNonce(12)));
    int written = 0;
    for (int offset = 0; offset < SEGMENT_BYTES; offset += CHUNK_BYTES) {
      written += chacha.update(plaintext, offset, CHUNK_BYTES, out, written);
    }
    chacha.doFinal(out, written);
    return out;
  }

  /**
   * Encrypt-then-MAC: JDK AES-256-CTR, then JDK HMAC-SHA256 (separate key) over nonce and
   * ciphertext, in 64 KiB chunks so that each is MACed while still in cache.
   */
  @Benchmark
  public byte[] jdkAesCtrThenHmacSha256() throws Exception {
    byte[] iv = nextNonce(16);
    aesCtr.init(Cipher.ENCRYPT_MODE, aesKey, new IvParameterSpec(iv));
    hmac.update(iv);
    int written = 0;
    for (int offset = 0; offset < SEGMENT_BYTES; offset += CHUNK_BYTES) {
      int n = aesCtr.update(plaintext, offset, CHUNK_BYTES, out, written);
      hmac.update(out, written, n);
      written += n;
    }
    written += aesCtr.doFinal(out, written);
    hmac.doFinal(out, written);
    return out;
  }

  /**
   * AES-256-CTR + Poly1305 with a one-time key taken from the first keystream blocks (the RFC 8439
   * composition with AES in place of ChaCha20); Poly1305 is BouncyCastle's pure Java.
   */
  @Benchmark
  public byte[] jdkAesCtrThenBcPoly1305() throws Exception {
    byte[] iv = nextNonce(16);
    aesCtr.init(Cipher.ENCRYPT_MODE, aesKey, new IvParameterSpec(iv));
    byte[] oneTimeKey = aesCtr.update(new byte[32]);
    poly1305.init(new KeyParameter(oneTimeKey));
    int written = 0;
    for (int offset = 0; offset < SEGMENT_BYTES; offset += CHUNK_BYTES) {
      int n = aesCtr.update(plaintext, offset, CHUNK_BYTES, out, written);
      poly1305.update(out, written, n);
      written += n;
    }
    written += aesCtr.doFinal(out, written);
    poly1305.doFinal(out, written);
    return out;
  }

  @Benchmark
  public byte[] bcAesGcm() throws Exception {
    bcGcm.init(true, new AEADParameters(new KeyParameter(encKeyBytes), 128, nextNonce(12)));
    int written = bcGcm.processBytes(plaintext, 0, SEGMENT_BYTES, out, 0);
    bcGcm.doFinal(out, written);
    return out;
  }

  /** The project's construction: HKDF segment key, AES-256-GCM per 64 KiB chunk (STREAM). */
  @Benchmark
  public byte[] projectSegmentCipherEncrypt() {
    return segmentCipher.encrypt(dataKey, "bench-file", 0, plaintext);
  }

  @Benchmark
  public byte[] projectSegmentCipherDecrypt() {
    return segmentCipher.decrypt(dataKey, "bench-file", 0, segmentCiphertext);
  }
}
