package io.cess.http.s3;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Optional;
import org.junit.Test;

/** Which Host headers address a bucket virtual-hosted style, and the checks on the settings. */
public class S3SettingsTest {

  private final S3Settings settings = new S3Settings("us-east-1", List.of("localhost", "S3.Localhost"));

  @Test
  public void aBucketUnderAConfiguredDomainComesFromTheHost() {
    assertEquals(Optional.of("photos"), settings.bucketOfHost("photos.s3.localhost:18181"));
    assertEquals(Optional.of("photos"), settings.bucketOfHost("Photos.S3.localhost"));
    assertEquals("the most specific domain wins", Optional.of("my.photos"), settings.bucketOfHost("my.photos.s3.localhost"));
    assertEquals(Optional.of("other"), settings.bucketOfHost("other.localhost:80"));
  }

  @Test
  public void anyOtherHostIsPathStyle() {
    for (String host : List.of("s3.localhost:18181", "localhost", "127.0.0.1:18181", "[::1]:18181", "photos.example.com", ".localhost",
        "xs3.localhost.example")) {
      assertEquals(host, Optional.empty(), settings.bucketOfHost(host));
    }
  }

  @Test
  public void theShippedDefaultsAndBadValues() {
    S3Settings defaults = S3Settings.fromConfig(ConfigFactory.parseResources("cess-http.conf").resolve());
    assertEquals("us-east-1", defaults.region());
    assertEquals(List.of("s3.localhost"), defaults.virtualHostDomains());
    for (String bad : List.of("", ".s3.localhost", "s3.localhost:8081", "s3/localhost", "s3..localhost")) {
      IllegalArgumentException e = assertThrows(bad, IllegalArgumentException.class, () -> new S3Settings("us-east-1", List.of(bad)));
      assertTrue(e.getMessage(), e.getMessage().contains("cess.http.s3.virtual-host-domains"));
    }
    assertThrows(IllegalArgumentException.class, () -> new S3Settings(" ", List.of()));
  }
}
