package io.cess.http.routes;

import static akka.http.javadsl.server.Directives.*;

import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import io.cess.actors.gateway.ClusterTables;
import java.util.Optional;

/**
 * {@code GET /v1/tables/{table}[?lower=<id>&limit=<n>]}, the whitepaper's "get table rows": rows
 * of {@code accounts}, {@code miners}, {@code files} or {@code buckets} (those the caller may
 * read) with ids after {@code lower}, in id order, at most {@code limit} (1..1000, default 100);
 * {@code more} and {@code next} continue the listing. 404 {@code NoSuchTable} for other names.
 */
public final class TableRoutes {

  private final ClusterTables tables;

  public TableRoutes(ClusterTables tables) {
    this.tables = tables;
  }

  public Route route(Optional<String> caller) {
    return path(PathMatchers.segment("v1").slash("tables").slash(PathMatchers.segment()), name -> get(() -> {
      Optional<ClusterTables.Table> table = ClusterTables.Table.named(name);
      if (table.isEmpty()) {
        return ApiErrors.complete(StatusCodes.NOT_FOUND, "NoSuchTable",
            "no table " + name + "; the tables are accounts, miners, files and buckets");
      }
      return parameterOptional("lower", lower -> parameterOptional("limit", limitText -> {
        int limit;
        try {
          limit = limitText.map(Integer::parseInt).orElse(ClusterTables.DEFAULT_LIMIT);
        } catch (NumberFormatException e) {
          return ApiErrors.complete(StatusCodes.BAD_REQUEST, "InvalidArgument", "limit must be an integer");
        }
        if (limit < 1 || limit > ClusterTables.MAX_LIMIT) {
          return ApiErrors.complete(StatusCodes.BAD_REQUEST, "InvalidArgument", "limit must be 1.." + ClusterTables.MAX_LIMIT);
        }
        return onSuccess(tables.rows(table.get(), caller.orElse(null), lower.filter(l -> !l.isEmpty()).orElse(null), limit),
            page -> completeOK(page, Json.marshaller()));
      }));
    }));
  }
}
