package vn.guardian.benchmark.resources;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A service's own figures as it exposes them on {@code /actuator/prometheus}, in Prometheus's text format. */
public final class Prometheus {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Prometheus() {
    }

    /** The exposition text of the service at {@code baseUrl}; fails with what to check when it is not exposed. */
    public static String scrape(String baseUrl) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/actuator/prometheus"))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(baseUrl + "/actuator/prometheus answered " + response.statusCode()
                    + "; is prometheus in management.endpoints.web.exposure.include?");
        }
        return response.body();
    }
}
