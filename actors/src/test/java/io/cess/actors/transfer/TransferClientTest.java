package io.cess.actors.transfer;

import static akka.http.javadsl.server.Directives.complete;
import static akka.http.javadsl.server.Directives.delete;
import static akka.http.javadsl.server.Directives.path;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.PathMatchers;
import io.cess.actors.UnitTestConfig;
import io.cess.core.node.NodeRequestAuth;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/** What a shard removal makes of a holder's answers: only a shard that is gone counts as removed. */
public class TransferClientTest {

  private static final String GONE = "a".repeat(64);
  private static final String DELETED = "b".repeat(64);
  private static final String NOT_HOSTED = "c".repeat(64);
  private static final String BARE_404 = "d".repeat(64);

  private static ActorTestKit kit;
  private static ServerBinding binding;
  private static TransferClient client;
  private static String baseUrl;

  @BeforeClass
  public static void start() throws Exception {
    kit = ActorTestKit.create(UnitTestConfig.create());
    var route = path(PathMatchers.segment("internal").slash("v1").slash("fragments").slash("m1").slash(PathMatchers.segment()),
        root -> delete(() -> switch (root.substring(0, 1)) {
          case "a" -> complete(StatusCodes.NOT_FOUND, HttpEntities.create(ContentTypes.APPLICATION_JSON,
              "{\"error\":\"no fragment\",\"code\":\"" + TransferClient.NO_SUCH_FRAGMENT + "\"}"));
          case "b" -> complete(StatusCodes.NO_CONTENT);
          case "c" -> complete(StatusCodes.NOT_FOUND, HttpEntities.create(ContentTypes.APPLICATION_JSON,
              "{\"error\":\"miner m1 is not hosted here\",\"code\":\"NoSuchMiner\"}"));
          default -> complete(StatusCodes.NOT_FOUND, "The requested resource could not be found.");
        }));
    binding = Http.get(kit.system()).newServerAt("127.0.0.1", 0).bind(route).toCompletableFuture().get(10, TimeUnit.SECONDS);
    baseUrl = "http://127.0.0.1:" + binding.localAddress().getPort();
    client = new TransferClient(kit.system(), Duration.ofSeconds(5), new NodeRequestAuth(new byte[32]));
  }

  @AfterClass
  public static void stop() throws Exception {
    binding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    kit.shutdownTestKit();
  }

  @Test
  public void aDeletedShardIsRemoved() throws Exception {
    client.delete(baseUrl, "m1", DELETED).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  public void aShardAlreadyGoneCountsAsRemoved() throws Exception {
    client.delete(baseUrl, "m1", GONE).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  public void aMinerTheNodeDoesNotHostIsNoProofOfRemoval() throws Exception {
    assertRefused(NOT_HOSTED, "NoSuchMiner");
  }

  @Test
  public void aNotFoundWithoutTheShardCodeIsNoProofOfRemoval() throws Exception {
    assertRefused(BARE_404, "could not be found");
  }

  private static void assertRefused(String root, String expected) throws Exception {
    try {
      client.delete(baseUrl, "m1", root).toCompletableFuture().get(10, TimeUnit.SECONDS);
      fail("the delete of " + root + " was taken for a removal");
    } catch (ExecutionException e) {
      assertTrue(e.getCause().toString(), e.getCause() instanceof TransferException);
      assertTrue(e.getCause().getMessage(), e.getCause().getMessage().contains(expected));
      assertEquals(false, ((TransferException) e.getCause()).damaged());
    }
  }
}
