package io.cess.http.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.cess.core.DataSize;
import io.cess.http.routes.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** {@code cess status}: members, roles and status, then miners and their space, from a live gateway. */
public final class StatusCommand {

  private StatusCommand() {}

  public static int run(List<String> argv) {
    CliArgs args = new CliArgs(argv, Set.of("url", "home", "account"));
    List<String> urls = new ArrayList<>();
    if (args.get("url") != null) {
      urls.add(args.get("url"));
    } else {
      LocalHome.of(args.get("home")).nodes().stream().filter(LocalHome.RunningNode::alive).forEach(n -> urls.add(n.httpUrl()));
    }
    if (urls.isEmpty()) {
      System.out.println("no running node found (start one with ./cess up, or pass --url)");
      return 1;
    }
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    for (String url : urls) {
      try {
        CliSigner signer = CliSigner.from(args.get("account"));
        JsonNode cluster = get(client, signer, url + "/v1/cluster");
        JsonNode miners = get(client, signer, url + "/v1/miners");
        print(url, cluster, miners);
        return 0;
      } catch (IOException e) {
        System.out.println(url + ": " + e.getMessage());
      }
    }
    return 1;
  }

  static JsonNode get(HttpClient client, CliSigner signer, String url) throws IOException {
    try {
      HttpResponse<String> r = client.send(
          signer.request("GET", URI.create(url), Duration.ofSeconds(15)),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IOException("HTTP " + r.statusCode() + ": " + r.body());
      }
      return Json.MAPPER.readTree(r.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static void print(String url, JsonNode cluster, JsonNode miners) {
    System.out.println("Cluster (asked " + url + ", leader " + cluster.path("leader").asText() + ")");
    System.out.printf("  %-8s %-28s %-8s %-10s %s%n", "NODE", "ADDRESS", "STATUS", "REACHABLE", "ROLES");
    for (JsonNode m : cluster.path("members")) {
      List<String> roles = new ArrayList<>();
      m.path("roles").forEach(r -> roles.add(r.asText()));
      System.out.printf("  %-8s %-28s %-8s %-10s %s%n",
          m.path("node").asText(), m.path("address").asText(), m.path("status").asText(),
          m.path("reachable").asBoolean() ? "yes" : "NO", String.join(",", roles));
    }
    System.out.println();
    System.out.println("Miners");
    System.out.printf("  %-10s %-8s %-8s %-10s %-10s %-10s %-8s %s%n", "MINER", "NODE", "REGION", "CAPACITY", "USED", "FREE", "CREDIT", "STATUS");
    long free = 0;
    int count = 0;
    for (JsonNode m : miners) {
      System.out.printf("  %-10s %-8s %-8s %-10s %-10s %-10s %-8s %s%n",
          m.path("minerId").asText(), m.path("nodeId").asText(), m.path("region").asText(),
          DataSize.format(m.path("capacityBytes").asLong()), DataSize.format(m.path("usedBytes").asLong()),
          DataSize.format(m.path("freeBytes").asLong()), m.path("credit").asInt(), m.path("status").asText());
      free += m.path("freeBytes").asLong();
      count++;
    }
    System.out.println();
    System.out.println(cluster.path("members").size() + " nodes, " + count + " miners, " + DataSize.format(free) + " free");
  }
}
