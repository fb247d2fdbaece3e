package io.cess.chaos.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Accepts TCP connections on an address and closes them: the peer ChaosNetIT probes. */
public final class TcpListener {

  private TcpListener() {}

  public static void main(String[] args) throws IOException {
    try (ServerSocket server = new ServerSocket(Integer.parseInt(args[1]), 50, InetAddress.getByName(args[0]))) {
      System.out.println("listening on " + server.getLocalSocketAddress());
      while (true) {
        try (Socket s = server.accept()) {
          s.getOutputStream().write('.');
        }
      }
    }
  }
}
