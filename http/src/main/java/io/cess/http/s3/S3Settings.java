package io.cess.http.s3;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code cess.http.s3} block, read once and checked at start-up.
 *
 * @param region the region clients sign for
 * @param virtualHostDomains the domains under which {@code <bucket>.<domain>} addresses a bucket
 *     (virtual-hosted style), lower case, the longest first so that the most specific one wins
 */
public record S3Settings(String region, List<String> virtualHostDomains) {

  private static final Pattern DOMAIN = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");

  public S3Settings {
    if (region.isBlank() || region.contains("/")) {
      throw new IllegalArgumentException("cess.http.s3.region must be non-blank without '/', is '" + region + "'");
    }
    List<String> domains = new ArrayList<>();
    for (String domain : virtualHostDomains) {
      String lower = domain.strip().toLowerCase(Locale.ROOT);
      if (!DOMAIN.matcher(lower).matches()) {
        throw new IllegalArgumentException(
            "cess.http.s3.virtual-host-domains: '" + domain + "' is not a domain name (letters, digits, '-' and '.', no port)");
      }
      domains.add(lower);
    }
    domains.sort(Comparator.comparingInt(String::length).reversed());
    virtualHostDomains = List.copyOf(domains);
  }

  public static S3Settings fromConfig(Config config) {
    Config s3 = config.getConfig("cess.http.s3");
    return new S3Settings(s3.getString("region"), s3.getStringList("virtual-host-domains"));
  }

  /**
   * The bucket a {@code Host} header names in virtual-hosted style ({@code photos.s3.localhost:8081}
   * names {@code photos} under the domain {@code s3.localhost}); empty for any other host, a
   * configured domain itself included, whose requests are path-style.
   */
  public Optional<String> bucketOfHost(String hostHeader) {
    String host = hostHeader.strip().toLowerCase(Locale.ROOT);
    if (host.startsWith("[")) {
      return Optional.empty(); // an IPv6 literal
    }
    int colon = host.lastIndexOf(':');
    if (colon >= 0) {
      host = host.substring(0, colon);
    }
    if (virtualHostDomains.contains(host)) {
      return Optional.empty(); // the endpoint itself (even when it lies under another configured domain)
    }
    for (String domain : virtualHostDomains) {
      if (host.length() > domain.length() + 1 && host.endsWith("." + domain)) {
        return Optional.of(host.substring(0, host.length() - domain.length() - 1));
      }
    }
    return Optional.empty();
  }
}
