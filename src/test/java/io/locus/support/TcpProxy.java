package io.locus.support;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on a loopback port in front of a real service, that a test can cut (every
 * connection closed, new ones refused) and restore: an outage of that service for one client
 * only, while the service itself and its other clients carry on.
 */
public final class TcpProxy implements AutoCloseable {
  private final Vertx vertx;
  private final NetServer server;
  private final NetClient client;
  private final Set<NetSocket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean cut;

  private TcpProxy(Vertx vertx, String host, int port) {
    this.vertx = vertx;
    this.client = vertx.createNetClient();
    this.server =
        vertx.createNetServer()
            .connectHandler(
                downstream -> {
                  if (cut) {
                    downstream.close();
                    return;
                  }
                  downstream.pause();
                  client
                      .connect(port, host)
                      .onFailure(failed -> downstream.close())
                      .onSuccess(
                          upstream -> {
                            open.add(downstream);
                            open.add(upstream);
                            downstream.closeHandler(v -> upstream.close());
                            upstream.closeHandler(v -> downstream.close());
                            downstream.pipeTo(upstream);
                            upstream.pipeTo(downstream);
                            downstream.resume();
                          });
                });
  }

  /** A proxy to {@code host:port} on a free loopback port. */
  public static TcpProxy start(String host, int port) {
    TcpProxy proxy = new TcpProxy(Vertx.vertx(), host, port);
    proxy.server.listen(0, "127.0.0.1").await();
    return proxy;
  }

  /** The loopback port it listens on. */
  public int port() {
    return server.actualPort();
  }

  /** Closes every connection through it and refuses new ones until {@link #restore}. */
  public void cut() {
    cut = true;
    open.forEach(NetSocket::close);
    open.clear();
  }

  /** Lets connections through again. */
  public void restore() {
    cut = false;
  }

  @Override
  public void close() {
    vertx.close().await();
  }
}
