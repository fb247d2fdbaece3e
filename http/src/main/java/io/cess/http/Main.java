package io.cess.http;

import io.cess.http.cli.AccountCommand;
import io.cess.http.cli.BenchCommand;
import io.cess.http.cli.CallCommand;
import io.cess.http.cli.ChaosCommand;
import io.cess.http.cli.RequestBenchCommand;
import io.cess.http.cli.DownCommand;
import io.cess.http.cli.CallbackCommand;
import io.cess.http.cli.KeysCommand;
import io.cess.http.cli.TableCommand;
import io.cess.http.cli.NodeCommand;
import io.cess.http.cli.StatusCommand;
import io.cess.http.cli.TransferCommands;
import io.cess.http.cli.UpCommand;
import java.util.Arrays;
import java.util.List;

/** The {@code cess} command line: {@code up}, {@code status}, {@code down}, {@code node}. */
public final class Main {

  static final String USAGE =
      """
      usage: cess <command> [options]

        up      start Cassandra and a local cluster (default 3 nodes, 2 miners each), wait until
                it is ready and print its URLs
                  --nodes N  --miners N  --capacity SIZE  --home DIR
        status  show the cluster's members, roles, miners and free space
                  --url http://host:port  --home DIR
        down    stop the nodes started from this home, then the managed Cassandra
                  --home DIR
        put     upload a file: --file F --url http://host:port/v1/buckets/B/objects/K
                  [--encrypt true [--key-file ~/.cess/client.key]]  (the gateway never sees the key)
                  [--account FILE]  (put, get, call, status and bench sign with this account;
                  default ~/.cess/account.key, which `cess up` creates and registers)
        get     download an object: --file F --url URL [--decrypt true [--key-file FILE]]
        call    one signed request, printed like curl -i (status and headers to stderr):
                  call GET|HEAD|PUT|POST|DELETE URL  [--data TEXT | --data-file F]
                  [--header 'Name: value']...  [--account ~/.cess/account.key]
        callback  an expiring download URL of an object, usable without a signature:
                  --url http://host:port/v1/buckets/B/objects/K  [--expires-in SECONDS]
        table   one page of a table's rows: accounts|miners|files|buckets
                  [--lower ID]  [--limit 100]  --url http://127.0.0.1:8081
        account create  make an Ed25519 account key file and register it with a gateway
                account show    print the account's public record
                  --file ~/.cess/account.key  --url http://127.0.0.1:8081
        keys create     mint an S3 access key for the account; prints its secret, once
             list       the account's access keys: id, status, created, revoked
             revoke     revoke one: --access-key ID
                  --file ~/.cess/account.key  --url http://127.0.0.1:8081
        bench   upload and download generated data through a running gateway; report MB/s
                and the ratio to the in-process encode/decode pipeline
                  --size 1GiB  --url http://127.0.0.1:8081  --download-url URL  --policy ec:4+2
                  --warmup 2  --runs 3
        bench-requests  small-object requests/s through the S3 API and the native API
                  --count 500  --object-size 4KiB  --concurrency 8  --warmup 1  --runs 3
                  --url http://127.0.0.1:8081
        chaos list      the chaos scenarios (partitions, kills, pauses, Cassandra outages)
              run NAME  run scenarios (or `all`) with their invariants; needs root (netns,
                        nftables); reports (JSON, HTML) under chaos-tests/target/chaos/
        node    run one node in the foreground; join a running cluster with --join
                  --name NAME  --roles storage,gateway  --region R  --host H
                  --http-port P  --akka-port P  --data-dir DIR  --miners N  --capacity SIZE
                  --join host:akkaPort[,host:akkaPort]  --home DIR  --config FILE
                  --master-key FILE (default HOME/master.key; the same file on every gateway)
                  --cluster-secret FILE (default HOME/cluster.secret; the same file on every node)
                  --keyspace NAME (journal keyspace, default cess; tests use their own)

      Environment: CESS_HOME (default .cess), CESS_CASSANDRA_CONTACT_POINTS (external Cassandra,
      host:port[,host:port]), CESS_CASSANDRA_LOCAL_DATACENTER, CESS_NODE_JVM_OPTS.
      """;

  private Main() {}

  public static void main(String[] argv) {
    if (argv.length == 0 || argv[0].equals("help") || argv[0].equals("--help")) {
      System.out.print(USAGE);
      return;
    }
    List<String> rest = Arrays.asList(argv).subList(1, argv.length);
    try {
      int code =
          switch (argv[0]) {
            case "node" -> {
              NodeCommand.run(rest);
              yield -1;
            }
            case "up" -> UpCommand.run(rest);
            case "status" -> StatusCommand.run(rest);
            case "down" -> DownCommand.run(rest);
            case "bench" -> BenchCommand.run(rest);
            case "bench-requests" -> RequestBenchCommand.run(rest);
            case "put" -> TransferCommands.put(rest);
            case "get" -> TransferCommands.get(rest);
            case "call" -> CallCommand.run(rest);
            case "chaos" -> ChaosCommand.run(rest);
            case "account" -> AccountCommand.run(rest);
            case "keys" -> KeysCommand.run(rest);
            case "callback" -> CallbackCommand.run(rest);
            case "table" -> TableCommand.run(rest);
            default -> throw new IllegalArgumentException("unknown command '" + argv[0] + "'\n" + USAGE);
          };
      if (code >= 0) {
        System.exit(code);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      System.exit(130);
    } catch (IllegalArgumentException e) {
      System.err.println("cess: " + e.getMessage());
      System.exit(2);
    } catch (RuntimeException | java.io.IOException e) {
      System.err.println("cess " + argv[0] + " failed: " + e.getMessage());
      System.exit(1);
    }
  }
}
