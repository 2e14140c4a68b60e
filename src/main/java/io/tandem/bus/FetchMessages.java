package io.tandem.bus;

/**
 * Field names and values of {@link Addresses#FETCH}, {@link Addresses#FETCH_CHAIN} and
 * {@link Addresses#FETCH_CANCEL}.
 *
 * <p>A result: {@code {"index","url","ok","status","contentType","bytes","truncated","contentEncoding","wireBytes","protocol","attempts","retryStoppedBecause","retryAfterMs","timings":{"queuedMs","connectMs","ttfbMs","totalMs"},"sha256",
 * "elapsedMs","redirects","body","file","error":{"kind","message"}}}, fields absent where they do
 * not apply. {@code ok} is true for a 2xx answer read to the end (or to the cap); a non-2xx
 * answer is {@code ok:false} with its status and no error.
 */
public final class FetchMessages {

  // request
  public static final String URLS = "urls";
  public static final String URL = "url";
  public static final String CONCURRENCY = "concurrency";
  public static final String TIMEOUT_MS = "timeoutMs";
  /** How long obtaining a connection may take (default: the URL's timeoutMs). */
  public static final String CONNECT_TIMEOUT_MS = "connectTimeoutMs";
  public static final String DEADLINE_MS = "deadlineMs";
  public static final String MAX_BODY_BYTES = "maxBodyBytes";
  public static final String BODY = "body";
  public static final String SAVE = "save";
  /** Ask for gzip/deflate and decode it (default true); false: no Accept-Encoding of Tandem's, the bytes as sent. */
  public static final String DECOMPRESS = "decompress";
  public static final String PROGRESS_ADDRESS = "progressAddress";
  /** With a progress address: each result goes there only, and the reply is the summary without the list. */
  public static final String PROGRESS_ONLY = "progressOnly";
  public static final String ID = "id";
  public static final String NEXT = "next";
  public static final String MAX_HOPS = "maxHops";
  // what is sent: a batch's defaults, a URL entry's own ({"url", ...}), a chain's for every hop
  public static final String METHOD = "method";
  public static final String HEADERS = "headers";
  /** A request body: any JSON, sent encoded as {@code application/json}. */
  public static final String JSON = "json";
  /** A request body in a URL entry: text, sent as UTF-8 (at the top of a request, {@link #BODY} is the answer's body mode). */
  public static final String REQUEST_TEXT = "body";
  /** A request body: bytes, in base64. */
  public static final String BODY_BASE64_FIELD = "bodyBase64";

  // body modes
  public static final String BODY_TEXT = "text";
  public static final String BODY_BASE64 = "base64";
  public static final String BODY_NONE = "none";

  // result
  public static final String INDEX = "index";
  public static final String OK = "ok";
  public static final String STATUS = "status";
  public static final String CONTENT_TYPE = "contentType";
  public static final String BYTES = "bytes";
  /** The body's bytes as they crossed the network, when it was encoded (bytes: after decoding). */
  public static final String WIRE_BYTES = "wireBytes";
  public static final String CONTENT_ENCODING = "contentEncoding";
  /** The protocol the answer came in: {@link #H2} or {@link #HTTP_1_1} (ALPN's names). */
  public static final String PROTOCOL = "protocol";
  /** How many times the URL was fetched (1 when not retried). */
  public static final String ATTEMPTS = "attempts";
  /** Asked for in a request (true), given in each result: where a URL's time went: {@link #QUEUED_MS}, {@link #CONNECT_MS}, {@link #TTFB_MS}, {@link #TOTAL_MS}. */
  public static final String TIMINGS = "timings";
  /** From the batch's start to the URL's first request: the batch's concurrency, its host's politeness, a fetching instance's permits. */
  public static final String QUEUED_MS = "queuedMs";
  /** Obtaining connections, over every hop: 0 for a connection that was already open. */
  public static final String CONNECT_MS = "connectMs";
  /** From the request's start (its last attempt's) to the final answer's headers. */
  public static final String TTFB_MS = "ttfbMs";
  /** From the request's start (its last attempt's) to its end: its elapsedMs. */
  public static final String TOTAL_MS = "totalMs";
  /** What a non-2xx answer's {@code Retry-After} asked for, in milliseconds. */
  public static final String RETRY_AFTER_MS = "retryAfterMs";
  /** Why a URL its retry rule named was not fetched again: {@code deadline}, {@code cancelled}. */
  public static final String RETRY_STOPPED_BECAUSE = "retryStoppedBecause";
  public static final String H2 = "h2";
  public static final String HTTP_1_1 = "http/1.1";
  public static final String TRUNCATED = "truncated";
  public static final String SHA256 = "sha256";
  public static final String ELAPSED_MS = "elapsedMs";
  public static final String REDIRECTS = "redirects";
  public static final String FILE = "file";
  public static final String ERROR = "error";
  public static final String KIND = "kind";
  public static final String MESSAGE = "message";

  // reply
  public static final String RESULTS = "results";
  public static final String SUCCEEDED = "succeeded";
  public static final String FAILED = "failed";
  public static final String HOPS = "hops";
  public static final String STOPPED_BECAUSE = "stoppedBecause";
  /** Why a chain stopped, in words, when it stopped on an error, a deadline or a cycle. */
  public static final String REASON = "reason";

  /** Why a URL has no answer: {@code error.kind}. */
  public enum Kind {
    INVALID_URL("invalid-url"),
    BLOCKED("blocked"),
    DNS("dns"),
    CONNECT("connect"),
    RESET("reset"),
    TIMEOUT("timeout"),
    DEADLINE("deadline"),
    TOO_MANY_REDIRECTS("too-many-redirects"),
    IO("io"),
    /** The batch was cancelled ({@link Addresses#FETCH_CANCEL}, or its HTTP client went away). */
    CANCELLED("cancelled"),
    /** The node fetching it left the cluster, and so did the one it was handed to next. */
    NODE_LOST("node-lost"),
    /** No fetcher instance that takes work is left in the cluster. */
    UNAVAILABLE("unavailable");

    private final String wire;

    Kind(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }

    /** The kind with this wire name, or null. */
    public static Kind of(String wire) {
      for (Kind kind : values()) {
        if (kind.wire.equals(wire)) {
          return kind;
        }
      }
      return null;
    }
  }

  /** Why a chain stopped: {@code stoppedBecause}. */
  public static final String NO_NEXT = "no-next";
  public static final String MAX_HOPS_REACHED = "max-hops";
  public static final String CYCLE = "cycle";
  public static final String STOPPED_BY_ERROR = "error";
  public static final String STOPPED_BY_DEADLINE = "deadline";
  public static final String STOPPED_BY_CANCEL = "cancelled";

  /** Largest {@code maxHops} a chain may ask for. */
  public static final int MAX_HOPS_LIMIT = 100;
  public static final int DEFAULT_MAX_HOPS = 10;

  /**
   * The optional {@link #PROGRESS_ADDRESS} of a fetch or chain request, read where every entry
   * point's request is read: {@link Addresses#FETCH_PROGRESS} and a name, or a 400.
   */
  public static String progressAddress(RequestReader reader) {
    String address = reader.text(PROGRESS_ADDRESS, null);
    if (address != null && (!address.startsWith(Addresses.FETCH_PROGRESS) || address.length() == Addresses.FETCH_PROGRESS.length())) {
      throw BusException.badRequest(PROGRESS_ADDRESS + " must be " + Addresses.FETCH_PROGRESS + "<name>, got "
          + RequestReader.show(address));
    }
    return address;
  }

  /** The optional {@link #PROGRESS_ONLY} flag, which needs a progress address to send the results to. */
  public static boolean progressOnly(RequestReader reader, String progressAddress) {
    boolean only = reader.bool(PROGRESS_ONLY, false);
    if (only && progressAddress == null) {
      throw BusException.badRequest(PROGRESS_ONLY + " needs a " + PROGRESS_ADDRESS + " to publish the results to");
    }
    return only;
  }

  /** The {@code id} a {@link Addresses#FETCH_CANCEL} names, or null when the message is malformed. */
  public static String cancelId(Object body) {
    return body instanceof io.vertx.core.json.JsonObject cancel && cancel.getValue(ID) instanceof String id ? id : null;
  }

  private FetchMessages() {
  }
}
