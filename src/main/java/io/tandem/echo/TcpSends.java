package io.tandem.echo;

import io.tandem.bus.Addresses;
import io.tandem.bus.BusException;
import io.tandem.bus.FailureCodes;
import io.tandem.bus.TcpMessages;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.net.NetSocket;

/**
 * {@link Addresses#TCP_SEND}: a line to one connection, wherever it is. The bus spreads the
 * request over every node's TCP echo instances; the connection's id names the node that holds
 * the socket, and a node that does not hands the request on to that node's own
 * {@link Addresses#TCP_SEND_NODE} address. Confined to the serving instance's event loop.
 */
final class TcpSends {

  private final EventBus bus;
  private final TcpConnections connections;
  private final boolean clustered;

  TcpSends(EventBus bus, TcpConnections connections, boolean clustered) {
    this.bus = bus;
    this.connections = connections;
    this.clustered = clustered;
  }

  /** {@code tandem.tcp.send}: written here, or handed to the node that holds the connection. */
  void send(Message<Object> message) {
    TcpMessages.SendRequest request = read(message);
    if (request == null) {
      return;
    }
    NetSocket socket = connections.find(request.connection());
    String node = TcpConnections.nodeOf(request.connection());
    if (socket == null && node != null && !node.equals(connections.node()) && clustered) {
      forward(message, request, node);
    } else {
      write(message, request, socket);
    }
  }

  /** {@code tandem.tcp.send.<node>}, handed on by another node: the connection is here or nowhere. */
  void sendHere(Message<Object> message) {
    TcpMessages.SendRequest request = read(message);
    if (request != null) {
      write(message, request, connections.find(request.connection()));
    }
  }

  private static TcpMessages.SendRequest read(Message<Object> message) {
    try {
      return TcpMessages.readSend(message.body());
    } catch (BusException e) {
      e.failReply(message);
      return null;
    }
  }

  private static void write(Message<Object> message, TcpMessages.SendRequest request, NetSocket socket) {
    if (socket == null) {
      message.fail(FailureCodes.NOT_FOUND, "no open TCP connection " + request.connection());
      return;
    }
    socket.write(request.text() + "\n").onComplete(written -> {
      if (written.succeeded()) {
        message.reply(TcpMessages.sent());
      } else {
        message.fail(FailureCodes.NOT_FOUND, "TCP connection " + request.connection() + " closed before the write");
      }
    });
  }

  private void forward(Message<Object> message, TcpMessages.SendRequest request, String node) {
    bus.request(Addresses.TCP_SEND_NODE + node, message.body()).onComplete(answer -> {
      if (answer.succeeded()) {
        message.reply(answer.result().body());
      } else if (answer.cause() instanceof ReplyException reply && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
        message.fail(reply.failureCode(), reply.getMessage());
      } else if (answer.cause() instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS) {
        message.fail(FailureCodes.NOT_FOUND, "no open TCP connection " + request.connection() + " (its node has left)");
      } else {
        message.fail(FailureCodes.UNAVAILABLE, "the node holding TCP connection " + request.connection()
            + " did not answer: " + answer.cause().getMessage());
      }
    });
  }
}
