package dev.llmbench.engine.openai;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * Test double: a loopback HTTP/1.1 server on plain sockets that answers {@code GET /v1/models} with one model and
 * every {@code POST /v1/completions} with a scripted event stream, each event written at a set time after the
 * request was read (parked, then spun for the last 100 us) and stamped with {@link System#nanoTime()} right after
 * the write: the truth the client's timings are compared with. The body ends when the connection closes.
 */
public final class ScriptedServer implements AutoCloseable {
    /** One event: written {@code atNs} after the request was read; {@code raw} is sent as it is. */
    public record Event(long atNs, String raw) {
    }

    /** What a completion request is answered with. */
    public record Script(int status, String contentType, List<Event> events) {
    }

    /** When each event of one answer was written (nanoTime), when its request had been read, and its body. */
    public record Sent(long requestReadNs, long[] writtenNs, String body) {
    }

    private final ServerSocket socket;
    private final String model;
    private final Function<String, Script> script;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "scripted-server");
        t.setDaemon(true);
        return t;
    });
    private final List<Sent> sent = new ArrayList<>();
    private final List<String> authorizations = new ArrayList<>();

    /** @param script from the request body to the answer */
    public ScriptedServer(String model, Function<String, Script> script) throws IOException {
        this.model = model;
        this.script = script;
        this.socket = new ServerSocket(0, 256, InetAddress.getLoopbackAddress());
        threads.submit(this::accept);
    }

    public String url() {
        return "http://127.0.0.1:" + socket.getLocalPort() + "/v1";
    }

    /** The Authorization headers of every request, in order. */
    public synchronized List<String> authorizations() {
        return List.copyOf(authorizations);
    }

    public synchronized List<Sent> sent() {
        return List.copyOf(sent);
    }

    @Override
    public void close() throws IOException {
        socket.close();
        threads.shutdownNow();
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                s.setTcpNoDelay(true);
                threads.submit(() -> serve(s));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                long read = System.nanoTime();
                String first = head.substring(0, head.indexOf('\r'));
                int length = 0;
                for (String line : head.split("\r\n")) {
                    if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).trim());
                    }
                    if (line.toLowerCase(Locale.ROOT).startsWith("authorization:")) {
                        synchronized (this) {
                            authorizations.add(line.substring(14).trim());
                        }
                    }
                }
                String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
                if (first.startsWith("GET /v1/models ")) {
                    byte[] json = ("{\"object\":\"list\",\"data\":[{\"id\":\"" + model + "\",\"object\":\"model\","
                            + "\"owned_by\":\"scripted\"}]}").getBytes(StandardCharsets.UTF_8);
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nServer: scripted/1\r\n"
                            + "Content-Length: " + json.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(json);
                    out.flush();
                    continue;
                }
                if (!first.startsWith("POST /v1/completions ")) {
                    out.write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    continue;
                }
                Script answer = script.apply(body);
                out.write(("HTTP/1.1 " + answer.status() + " X\r\nContent-Type: " + answer.contentType()
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                long[] written = new long[answer.events().size()];
                for (int i = 0; i < written.length; i++) {
                    Event e = answer.events().get(i);
                    waitUntil(read + e.atNs());
                    out.write(e.raw().getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    written[i] = System.nanoTime();
                }
                synchronized (this) {
                    sent.add(new Sent(read, written, body));
                }
                return; // Connection: close ends the body
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private static void waitUntil(long deadline) {
        long left;
        while ((left = deadline - System.nanoTime()) > 100_000) {
            LockSupport.parkNanos(left - 100_000);
        }
        while (System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            int n = head.size();
            byte[] a = head.toByteArray();
            if (n >= 4 && a[n - 4] == '\r' && a[n - 3] == '\n' && a[n - 2] == '\r' && a[n - 1] == '\n') {
                return head.toString(StandardCharsets.US_ASCII);
            }
        }
        return null;
    }

    // ---- event builders ----

    /** A completion chunk carrying {@code ids} (as token_ids when {@code withIds}, else as one text piece). */
    public static String tokens(boolean withIds, int... ids) {
        StringBuilder text = new StringBuilder();
        StringBuilder list = new StringBuilder();
        for (int id : ids) {
            text.append('t').append(id);
            list.append(list.isEmpty() ? "" : ",").append(id);
        }
        return "data: {\"choices\":[{\"index\":0,\"text\":\"" + text + "\",\"finish_reason\":null"
                + (withIds ? ",\"token_ids\":[" + list + "]" : "") + "}]}\n\n";
    }

    public static String finish(String reason) {
        return "data: {\"choices\":[{\"index\":0,\"text\":\"\",\"finish_reason\":\"" + reason + "\"}]}\n\n";
    }

    public static String usage(int prompt, int completion) {
        return "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":" + completion
                + ",\"total_tokens\":" + (prompt + completion) + "}}\n\n";
    }

    public static final String DONE = "data: [DONE]\n\n";
}
