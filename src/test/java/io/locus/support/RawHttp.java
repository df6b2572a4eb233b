package io.locus.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 connection over a plain socket that sends request bytes exactly as given
 * (malformed request lines, raw control bytes, bad framing: whatever the caller wrote) and reads
 * one response. Unlike {@link Http} it refuses nothing on the client side. Not thread-safe: one
 * connection per thread, requests one after the other (keep-alive, no pipelining).
 */
public final class RawHttp implements AutoCloseable {
  /** Requests larger than this are written by a helper thread while the answer is read. */
  private static final int ASYNC_WRITE_BYTES = 256 * 1024;
  /** Longest response body kept; longer ones are read and dropped past this. */
  private static final int MAX_KEPT_BODY = 4 * 1024 * 1024;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private boolean used;

  /**
   * A response.
   *
   * @param statusLine the status line of the final (non-1xx) response
   * @param status its status code
   * @param headers header names lower-cased, values in order
   * @param body the body bytes (empty for HEAD, 204, 304)
   * @param closed whether the server closed the connection, or said it would
   */
  public record Answer(String statusLine, int status, Map<String, List<String>> headers, byte[] body, boolean closed) {
    /** The first value of a header (name in any case), or null. */
    public String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null || values.isEmpty() ? null : values.get(0);
    }

    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** Raised when the server closed the connection before sending a single byte of an answer. */
  public static final class NoAnswer extends IOException {
    private static final long serialVersionUID = 1L;

    NoAnswer(String message, Throwable cause) {
      super(message, cause);
    }
  }

  public RawHttp(String host, int port, int readTimeoutMs) throws IOException {
    socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.setSoTimeout(readTimeoutMs);
    socket.connect(new InetSocketAddress(host, port), 5_000);
    in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
    out = socket.getOutputStream();
  }

  /** Whether a request was already sent on this connection. */
  public boolean used() {
    return used;
  }

  /**
   * Writes {@code request} and reads the answer to it.
   *
   * @param headRequest true when the request's method is HEAD (the answer then has no body)
   * @throws NoAnswer when the connection ended before the answer's first byte
   * @throws IOException on a read timeout or a malformed answer
   */
  public Answer exchange(byte[] request, boolean headRequest) throws IOException {
    return exchange(request, headRequest, request.length > ASYNC_WRITE_BYTES);
  }

  /**
   * Like {@link #exchange(byte[], boolean)}; with {@code readWhileWriting} the request is written
   * by a helper thread while the answer is read, for requests the server may answer (and close
   * the connection on) before it has read them whole: a large body, an overlong request line.
   */
  public Answer exchange(byte[] request, boolean headRequest, boolean readWhileWriting) throws IOException {
    used = true;
    Thread writer = null;
    if (readWhileWriting) {
      writer =
          new Thread(
              () -> {
                try {
                  out.write(request);
                  out.flush();
                } catch (IOException refusedEarly) {
                  // the server answered (and closed) before reading it all: the answer tells
                }
              },
              "raw-http-writer");
      writer.setDaemon(true);
      writer.start();
    } else {
      try {
        out.write(request);
        out.flush();
      } catch (IOException e) {
        throw new NoAnswer("write failed: " + e.getMessage(), e);
      }
    }
    try {
      return read(headRequest);
    } finally {
      if (writer != null) {
        try {
          writer.join(socket.getSoTimeout());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  private Answer read(boolean headRequest) throws IOException {
    String statusLine;
    try {
      statusLine = line(true);
    } catch (EOFException | java.net.SocketException e) {
      throw new NoAnswer("connection closed before any answer: " + e.getMessage(), e);
    }
    while (true) {
      // Lenient: the server may echo an odd protocol name ("FOO/1.1 501 Not Implemented").
      String[] parts = statusLine.split(" ", 3);
      if (parts.length < 2 || !parts[1].matches("[0-9]{3}")) {
        throw new IOException("not an HTTP status line: " + statusLine);
      }
      int status = Integer.parseInt(parts[1]);
      Map<String, List<String>> headers = headers();
      if (status >= 100 && status < 200 && status != 101) {
        statusLine = line(false); // an interim answer (100 Continue): the real one follows
        continue;
      }
      boolean closing = "close".equalsIgnoreCase(first(headers, "connection")) || !parts[0].equals("HTTP/1.1");
      byte[] body;
      boolean closed = closing;
      if (headRequest || status == 204 || status == 304 || status == 101) {
        body = new byte[0];
      } else if ("chunked".equalsIgnoreCase(first(headers, "transfer-encoding"))) {
        body = chunked();
      } else if (first(headers, "content-length") != null) {
        body = exactly(Long.parseLong(first(headers, "content-length").trim()));
      } else {
        body = untilEnd();
        closed = true;
      }
      return new Answer(statusLine, status, headers, body, closed);
    }
  }

  private Map<String, List<String>> headers() throws IOException {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    String line;
    while (!(line = line(false)).isEmpty()) {
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new IOException("malformed answer header: " + line);
      }
      headers
          .computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .add(line.substring(colon + 1).trim());
    }
    return headers;
  }

  private static String first(Map<String, List<String>> headers, String name) {
    List<String> values = headers.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** One CRLF- (or LF-) terminated line, as ISO-8859-1. */
  private String line(boolean firstOfAnswer) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException(firstOfAnswer && bytes.size() == 0 ? "no answer" : "answer cut short");
      }
      if (b == '\n') {
        break;
      }
      bytes.write(b);
      if (bytes.size() > 64 * 1024) {
        throw new IOException("answer line longer than 64 KiB");
      }
    }
    String text = bytes.toString(StandardCharsets.ISO_8859_1);
    return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
  }

  private byte[] exactly(long length) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream((int) Math.min(length, 64 * 1024));
    byte[] buffer = new byte[16 * 1024];
    long left = length;
    while (left > 0) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (n < 0) {
        throw new EOFException("answer body cut short: " + left + " of " + length + " bytes missing");
      }
      if (body.size() < MAX_KEPT_BODY) {
        body.write(buffer, 0, n);
      }
      left -= n;
    }
    return body.toByteArray();
  }

  private byte[] chunked() throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String size = line(false);
      int semicolon = size.indexOf(';');
      long length = Long.parseLong((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
      if (length == 0) {
        while (!line(false).isEmpty()) {
          // trailers
        }
        return body.toByteArray();
      }
      body.writeBytes(exactly(length));
      line(false);
    }
  }

  private byte[] untilEnd() throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    byte[] buffer = new byte[16 * 1024];
    int n;
    while ((n = in.read(buffer)) >= 0) {
      if (body.size() < MAX_KEPT_BODY) {
        body.write(buffer, 0, n);
      }
    }
    return body.toByteArray();
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
