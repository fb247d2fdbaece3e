package io.cess.http.cli;

import io.cess.core.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * {@code cess put} and {@code cess get}: upload a file to / download an object from a gateway's
 * native API, streamed and signed by the account ({@link CliSigner}); with {@code --encrypt}/{@code --decrypt} the bytes are encrypted on this
 * machine under the client key ({@code --key-file}, default {@code ~/.cess/client.key}), so the
 * gateway never sees the plaintext or the key.
 */
public final class TransferCommands {

  private static final Set<String> OPTIONS = Set.of("file", "url", "encrypt", "decrypt", "key-file", "account");

  private TransferCommands() {}

  public static int put(List<String> argv) throws IOException, InterruptedException {
    CliArgs args = new CliArgs(argv, OPTIONS);
    Path file = Path.of(required(args, "file"));
    URI url = objectUrl(required(args, "url"));
    long size = Files.size(file);
    boolean encrypt = Boolean.parseBoolean(args.get("encrypt", "false"));
    ClientSideCrypto crypto = encrypt ? crypto(args, url) : null;
    long length = encrypt ? ClientSideCrypto.sealedLength(size) : size;
    HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.fromPublisher(
        HttpRequest.BodyPublishers.ofInputStream(() -> {
          try {
            InputStream in = Files.newInputStream(file);
            return encrypt ? crypto.encrypting(in) : in;
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }),
        length);
    HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(Duration.ofHours(2));
    CliSigner signer = CliSigner.from(args.get("account"));
    if (signer.keys() != null) {
      // signed: the data key is wrapped to this account; a plain body is hashed first so the
      // gateway can refuse a body that is not the one signed (an encrypted one streams unsigned)
      String sha = encrypt ? io.cess.core.account.RequestSignature.UNSIGNED_PAYLOAD : sha256(file);
      signer.sign(request, "PUT", url, sha);
    }
    HttpResponse<String> r = HttpClient.newHttpClient().send(request.PUT(body).build(), HttpResponse.BodyHandlers.ofString());
    System.out.println(r.body());
    return r.statusCode() == 201 ? 0 : 1;
  }

  private static String sha256(Path file) throws IOException {
    java.security.MessageDigest d = Sha256.newDigest();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 20];
      int n;
      while ((n = in.read(buf)) > 0) {
        d.update(buf, 0, n);
      }
    }
    return Sha256.hex(d);
  }

  public static int get(List<String> argv) throws IOException, InterruptedException {
    CliArgs args = new CliArgs(argv, OPTIONS);
    Path file = Path.of(required(args, "file"));
    URI url = objectUrl(required(args, "url"));
    boolean decrypt = Boolean.parseBoolean(args.get("decrypt", "false"));
    HttpResponse<InputStream> r = HttpClient.newHttpClient().send(
        CliSigner.from(args.get("account")).request("GET", url, Duration.ofHours(2)), HttpResponse.BodyHandlers.ofInputStream());
    if (r.statusCode() != 200) {
      try (InputStream err = r.body()) {
        System.out.println(new String(err.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
      }
      return 1;
    }
    // written to a temp file first: a failed download never leaves a partial file under the name
    Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName().toString(), ".part");
    java.security.MessageDigest digest = Sha256.newDigest();
    try (InputStream in = r.body(); OutputStream out = new DigestOutputStream(Files.newOutputStream(tmp), digest)) {
      if (decrypt) {
        crypto(args, url).decrypt(in, out);
      } else {
        in.transferTo(out);
      }
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    System.out.println("wrote " + file + " (" + Files.size(file) + " bytes, SHA-256 " + Sha256.hex(digest) + ")");
    return 0;
  }

  private static ClientSideCrypto crypto(CliArgs args, URI url) throws IOException {
    Path keyFile = Path.of(args.get("key-file", Path.of(System.getProperty("user.home"), ".cess", "client.key").toString()));
    return new ClientSideCrypto(ClientSideCrypto.loadOrCreateKey(keyFile), url.getRawPath());
  }

  private static URI objectUrl(String url) {
    URI uri = URI.create(url);
    if (uri.getRawPath() == null || !uri.getRawPath().matches("/v1/buckets/[^/]+/objects/.+")) {
      throw new IllegalArgumentException("--url must name an object: http://host:port/v1/buckets/BUCKET/objects/KEY");
    }
    return uri;
  }

  private static String required(CliArgs args, String name) {
    String v = args.get(name);
    if (v == null) {
      throw new IllegalArgumentException("--" + name + " is required");
    }
    return v;
  }
}
