package io.cess.actors.bucket;

import io.cess.actors.CborSerializable;
import java.time.Instant;

/** What a bucket holds under one key: the stored file and the facts a HEAD answers with. */
public record ObjectEntry(String fileId, long sizeBytes, String sha256, Instant storedAt)
    implements CborSerializable {}
