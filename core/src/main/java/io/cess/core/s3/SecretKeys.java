package io.cess.core.s3;

import java.util.Optional;

/**
 * Where {@link SigV4} looks up the secret access key of the access key id a request claims. An
 * empty answer means the key is unknown, which S3 answers with {@code InvalidAccessKeyId}.
 * Implementations must be safe to call from many threads.
 */
@FunctionalInterface
public interface SecretKeys {
  Optional<String> secretKeyFor(String accessKeyId);
}
