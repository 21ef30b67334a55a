package vn.guardian.ingest.problem;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vn.guardian.ingest.RunningIngest;

/**
 * A client that uploads a large recording with no API key reads its 401 problem, not a reset connection: the
 * service reads the refused body before it answers ({@link RefusedBodyDrain}). Spoken over a plain socket, the way
 * a simple HTTP/1.1 client does it: the whole body first, then the answer; the same connection again unless the
 * answer said {@code Connection: close}, in which case the service must close it cleanly after the answer.
 */
class RefusedBodyDrainTest {

    private static final int UPLOADS = 20;
    /** Well past the socket buffers, well under the drain's limit. */
    private static final int BODY_BYTES = 1024 * 1024;

    private static RunningIngest ingest;

    @BeforeAll
    static void start() {
        // the API key is checked before anything reaches Kafka: no broker needed, nothing listens there
        ingest = RunningIngest.start(Map.of("spring.kafka.bootstrap-servers", "127.0.0.1:9"));
    }

    @AfterAll
    static void stop() {
        if (ingest != null) {
            ingest.close();
        }
    }

    @Test
    void everyLargeUploadWithoutAnApiKeyReadsItsProblemAndNeverAReset() throws IOException {
        byte[] body = new byte[BODY_BYTES];
        Socket connection = open();
        try {
            for (int upload = 1; upload <= UPLOADS; upload++) {
                connection = refusedUpload(upload, connection, body);
            }
        } finally {
            connection.close();
        }
    }

    /** Sends one upload and checks its answer; returns the connection for the next one. */
    private static Socket refusedUpload(int upload, Socket connection, byte[] body) throws IOException {
        Answer answer;
        boolean closes;
        int afterAnswer = -1;
        try {
            send(connection, body);
            answer = read(connection.getInputStream());
            closes = "close".equalsIgnoreCase(answer.header("connection"));
            if (closes) {
                afterAnswer = connection.getInputStream().read();
            }
        } catch (SocketException e) {
            throw new AssertionError("upload " + upload + " of " + UPLOADS + " lost its answer: " + e, e);
        }
        assertThat(answer.status()).as("status of upload %d", upload).isEqualTo(401);
        assertThat(answer.header("content-type")).as("content type of upload %d", upload)
                .startsWith("application/problem+json");
        assertThat(answer.body()).as("problem of upload %d", upload)
                .contains("\"type\":\"https://guardian.vn/problems/missing-api-key\"")
                .contains("\"field\":\"X-Api-Key\"");
        if (!closes) {
            return connection;
        }
        // the service closes as it said: the client reads the end of the stream, not a reset
        assertThat(afterAnswer).as("what follows the answer to upload %d", upload).isEqualTo(-1);
        connection.close();
        return open();
    }

    private static Socket open() throws IOException {
        Socket socket = new Socket("localhost", ingest.port());
        socket.setSoTimeout(15_000);
        return socket;
    }

    private static void send(Socket connection, byte[] body) throws IOException {
        OutputStream out = connection.getOutputStream();
        out.write(("POST /v1/recordings HTTP/1.1\r\nHost: localhost\r\nContent-Type: audio/wav\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    record Answer(int status, Map<String, String> headers, String body) {

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** One HTTP/1.1 response: status line, headers, and a body by Content-Length or chunked. */
    private static Answer read(InputStream in) throws IOException {
        String statusLine = line(in);
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            int colon = header.indexOf(':');
            headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            for (int size = Integer.parseInt(line(in).trim(), 16); size > 0; size = Integer.parseInt(line(in).trim(), 16)) {
                body.write(in.readNBytes(size));
                line(in);
            }
            line(in);
        } else {
            body.write(in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0"))));
        }
        return new Answer(status, headers, body.toString(StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b == -1) {
                throw new IOException("the connection ended in the middle of an answer, after: " + line);
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }
}
