package io.cess.core.placement;

/** The cluster has too few miners with room to satisfy a storage policy. */
public final class PlacementException extends RuntimeException {
  public PlacementException(String message) {
    super(message);
  }
}
