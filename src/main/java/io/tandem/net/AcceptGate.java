package io.tandem.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.util.AttributeKey;

import java.net.InetAddress;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Holds a listener's new connections to its {@link ConnectionGate} as the kernel hands them over,
 * before Vert.x sets them up. Vert.x calls a server's connection handler only once a connection is
 * ready for it: for a TLS listener after the handshake (up to its handshake timeout), for HTTP/2
 * after the client's first SETTINGS. Counting there would let one host hold any number of
 * half-open TLS connections, each a descriptor. So the gate sits in the listening channel's
 * pipeline, where Netty passes every accepted channel as a message, and a refused one is closed
 * before it is registered with an event loop: no TLS engine, no Vert.x connection, no timer.
 *
 * <p>On a TLS listener the gate also gives each connection a deadline to be handed over (its
 * handshake done and, for HTTP/2, the client's preface read): Vert.x times the handshake, but
 * nothing times an HTTP/2 client that completes it and then says nothing.
 *
 * <p>A connection accepted before the gate was installed (in the moment between the bind and
 * {@link #install}) is admitted by {@link #admission} when Vert.x hands it over, so every
 * connection is counted once. Thread-safe: the acceptor thread admits, the event loops read.
 */
@ChannelHandler.Sharable
public final class AcceptGate extends ChannelInboundHandlerAdapter {

  private static final AttributeKey<Ticket> TICKET = AttributeKey.valueOf("tandem.admission");
  private static final String NAME = "tandem-accept-gate";
  private static final String DEADLINE = "tandem-handover-deadline";

  private final ConnectionGate gate;
  private final long handoverMs;

  private AcceptGate(ConnectionGate gate, long handoverMs) {
    this.gate = gate;
    this.handoverMs = handoverMs;
  }

  /**
   * Puts the gate in front of a listening channel's acceptor, once however many verticle instances
   * share the listener.
   *
   * @param handoverMs how long a connection may take to be handed over (a TLS listener's), 0 = no deadline
   */
  public static void install(Channel listening, ConnectionGate gate, long handoverMs) {
    ChannelPipeline pipeline = listening.pipeline();
    synchronized (pipeline) {
      if (pipeline.get(NAME) == null) {
        pipeline.addFirst(NAME, new AcceptGate(gate, handoverMs));
      }
    }
  }

  /**
   * The admission a connection was given, to be asked once Vert.x hands it over (which ends its
   * deadline); one accepted before the gate was installed is admitted now (and closed if
   * refused). Null: refused, closed.
   */
  public static ConnectionGate.Admission admission(Channel channel, ConnectionGate gate) {
    Ticket ticket = channel.attr(TICKET).get();
    if (ticket == null) {
      ticket = admit(channel, gate);
      if (ticket == null) {
        channel.close();
        return null;
      }
    }
    ticket.handedOver();
    return ticket.admission;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object message) {
    if (message instanceof Channel accepted) {
      Ticket ticket = admit(accepted, gate);
      if (ticket == null) {
        accepted.unsafe().closeForcibly(); // never registered: nothing else knows of it
        return;
      }
      if (handoverMs > 0) {
        accepted.pipeline().addFirst(DEADLINE, new HandoverDeadline(ticket, handoverMs));
      }
    }
    ctx.fireChannelRead(message);
  }

  /** Counts a connection in and has it released when it closes; null when the gate refuses it. */
  private static Ticket admit(Channel channel, ConnectionGate gate) {
    InetAddress remote = ConnectionGate.remoteOf(channel.remoteAddress());
    ConnectionGate.Admission admission = gate.admit(remote);
    if (!admission.admitted()) {
      return null;
    }
    Ticket ticket = new Ticket(admission);
    channel.attr(TICKET).set(ticket);
    channel.closeFuture().addListener(closed -> gate.release(remote, admission));
    return ticket;
  }

  /** A connection's admission, and the deadline it has until it is handed over. Event-loop confined once registered. */
  private static final class Ticket {

    final ConnectionGate.Admission admission;
    private boolean handedOver;
    private Future<?> deadline;

    Ticket(ConnectionGate.Admission admission) {
      this.admission = admission;
    }

    void handedOver() {
      handedOver = true;
      if (deadline != null) {
        deadline.cancel(false);
        deadline = null;
      }
    }
  }

  /**
   * First in a TLS connection's pipeline until it is active: starts its handover deadline, then
   * leaves the pipeline, so no read passes through it.
   */
  private static final class HandoverDeadline extends ChannelInboundHandlerAdapter {

    private final Ticket ticket;
    private final long ms;

    HandoverDeadline(Ticket ticket, long ms) {
      this.ticket = ticket;
      this.ms = ms;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      if (!ticket.handedOver) {
        ticket.deadline = ctx.executor().schedule(() -> {
          if (!ticket.handedOver) {
            ctx.channel().close();
          }
        }, ms, TimeUnit.MILLISECONDS);
      }
      ctx.pipeline().remove(this);
      ctx.fireChannelActive();
    }
  }
}
