package vn.guardian.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Everything written to {@code System.out} while open, still echoed to the real console. Start it before the service
 * under test: its console log appender binds to {@code System.out} when logging is initialized (Spring Boot resets
 * Logback's appenders at start, so an appender added by a test would not see the service's lines).
 */
public final class ConsoleCapture implements AutoCloseable {

    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private final PrintStream original;

    private ConsoleCapture() {
        this.original = System.out;
        System.setOut(new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                original.write(b);
                synchronized (captured) {
                    captured.write(b);
                }
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                original.write(bytes, offset, length);
                synchronized (captured) {
                    captured.write(bytes, offset, length);
                }
            }
        }, true, StandardCharsets.UTF_8));
    }

    public static ConsoleCapture start() {
        return new ConsoleCapture();
    }

    /** The lines written so far. */
    public List<String> lines() {
        synchronized (captured) {
            return captured.toString(StandardCharsets.UTF_8).lines().toList();
        }
    }

    @Override
    public void close() {
        System.setOut(original);
    }
}
