package vn.guardian.benchmark.resources;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A service's own figures as it exposes them on {@code /actuator/prometheus}, in Prometheus's text format. */
public final class Prometheus {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One line of the text: the metric's name, the whole series with its labels, and the value. */
    public record Sample(String name, String series, double value) {
    }

    private Prometheus() {
    }

    /** The samples of an exposition text, comments and unreadable values left out. */
    public static List<Sample> samples(String exposition) {
        List<Sample> samples = new ArrayList<>();
        for (String line : exposition.split("\n")) {
            int space = line.lastIndexOf(' ');
            if (line.isEmpty() || line.startsWith("#") || space < 0) {
                continue;
            }
            String series = line.substring(0, space);
            try {
                double value = Double.parseDouble(line.substring(space + 1));
                samples.add(new Sample(series.contains("{") ? series.substring(0, series.indexOf('{')) : series,
                        series, value));
            } catch (NumberFormatException e) {
                // not a sample line: nothing to read from it
            }
        }
        return samples;
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
