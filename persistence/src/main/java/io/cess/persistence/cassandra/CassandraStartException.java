package io.cess.persistence.cassandra;

/** The managed Cassandra could not be started or did not answer in time; carries its log tail. */
public final class CassandraStartException extends RuntimeException {
  public CassandraStartException(String message) {
    super(message);
  }

  public CassandraStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
