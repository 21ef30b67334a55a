package vn.guardian.benchmark.search;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * Records the statements the real {@code Search} sends (SQL with {@code $n} markers, as Spring expanded the named
 * parameters, and the values bound), so the benchmark can show them and EXPLAIN them. Used for one run of each case,
 * never for the timed runs.
 */
final class SqlCapture {

    /** One executed statement. */
    record Statement(String sql, Map<Integer, Object> binds) {

        /** The SQL with its values written in as literals, for EXPLAIN over JDBC. */
        String withLiterals() {
            Matcher marker = Pattern.compile("\\$(\\d+)").matcher(sql);
            StringBuilder out = new StringBuilder();
            while (marker.find()) {
                Object value = binds.get(Integer.parseInt(marker.group(1)) - 1);
                marker.appendReplacement(out, Matcher.quoteReplacement(literal(value)));
            }
            marker.appendTail(out);
            return out.toString();
        }

        private static String literal(Object value) {
            value = value(value);
            if (value == null) {
                return "NULL";
            }
            if (value instanceof Number) {
                return value.toString();
            }
            if (value instanceof Instant || value instanceof OffsetDateTime) {
                return "'" + value + "'::timestamptz";
            }
            return "'" + value.toString().replace("'", "''") + "'";
        }
    }

    /** A bound value as given, without Spring's parameter wrapper. */
    static Object value(Object bound) {
        return bound instanceof io.r2dbc.spi.Parameter parameter ? parameter.getValue() : bound;
    }

    private final List<Statement> statements = new CopyOnWriteArrayList<>();

    List<Statement> statements() {
        return statements;
    }

    void clear() {
        statements.clear();
    }

    ConnectionFactory wrap(ConnectionFactory factory) {
        return proxy(ConnectionFactory.class, factory, (target, method, args) -> {
            Object result = invoke(target, method, args);
            if (method.getName().equals("create")) {
                return Mono.from((Publisher<?>) result).map(connection -> proxy(Connection.class,
                        (Connection) connection, this::connection));
            }
            return result;
        });
    }

    private Object connection(Object target, Method method, Object[] args) throws Throwable {
        Object result = invoke(target, method, args);
        if (method.getName().equals("createStatement")) {
            Map<Integer, Object> binds = new TreeMap<>();
            String sql = (String) args[0];
            io.r2dbc.spi.Statement[] self = new io.r2dbc.spi.Statement[1];
            self[0] = proxy(io.r2dbc.spi.Statement.class, (io.r2dbc.spi.Statement) result, (statement, m, a) -> {
                if (m.getName().equals("bind") && a[0] instanceof Integer index) {
                    binds.put(index, a[1]);
                } else if (m.getName().equals("bindNull") && a[0] instanceof Integer index) {
                    binds.put(index, null);
                } else if (m.getName().equals("execute")) {
                    statements.add(new Statement(sql, java.util.Collections.unmodifiableMap(new TreeMap<>(binds))));
                }
                Object out = invoke(statement, m, a);
                return out == statement ? self[0] : out;
            });
            return self[0];
        }
        return result;
    }

    private interface Handler<T> {
        Object handle(T target, Method method, Object[] args) throws Throwable;
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, T target, Handler<T> handler) {
        InvocationHandler invocation = (proxy, method, args) -> handler.handle(target, method, args);
        return (T) Proxy.newProxyInstance(SqlCapture.class.getClassLoader(), new Class<?>[]{type}, invocation);
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
