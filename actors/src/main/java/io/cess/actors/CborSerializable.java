package io.cess.actors;

/**
 * Marker for every message, event and snapshot that crosses the network or reaches the journal;
 * bound to jackson-cbor in reference.conf.
 */
public interface CborSerializable {}
