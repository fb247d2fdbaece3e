package io.cess.http.routes;

import static akka.http.javadsl.server.Directives.*;

import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.MediaTypes;
import akka.http.javadsl.server.Route;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /openapi.yaml}: the OpenAPI 3 description of every node's HTTP API, unauthenticated
 * like health. It is the classpath resource {@value #RESOURCE}, read once at start-up, so a node
 * never serves a document other than the one its tests checked its routes against.
 */
public final class OpenApiRoutes {

  public static final String RESOURCE = "openapi.yaml";

  /** application/yaml (RFC 9512), which akka-http does not predefine. */
  private static final ContentType YAML =
      ContentTypes.create(MediaTypes.customWithFixedCharset(
          "application", "yaml", akka.http.javadsl.model.HttpCharsets.UTF_8, java.util.Map.of(), false, "yml"));

  private final byte[] document;

  public OpenApiRoutes() {
    this.document = document();
  }

  /** The document as shipped in this build (fails start-up when the resource is missing). */
  public static byte[] document() {
    try (InputStream in = OpenApiRoutes.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("classpath resource " + RESOURCE + " is missing from this build");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read classpath resource " + RESOURCE, e);
    }
  }

  public Route route() {
    return path("openapi.yaml", () -> get(() -> complete(HttpEntities.create(YAML, document))));
  }
}
