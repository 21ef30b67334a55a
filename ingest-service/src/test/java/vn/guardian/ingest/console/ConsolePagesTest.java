package vn.guardian.ingest.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import vn.guardian.ingest.RunningIngest;

/** The console's files are public (the page asks for the key), locked to this origin; the API behind them is not. */
class ConsolePagesTest {

    private static RunningIngest ingest;

    @BeforeAll
    static void start() {
        // serving files needs no broker or database
        ingest = RunningIngest.start(Map.of("spring.kafka.bootstrap-servers", "127.0.0.1:9"));
    }

    @AfterAll
    static void stop() {
        if (ingest != null) {
            ingest.close();
        }
    }

    @Test
    void consoleRedirectsToItsFolder() {
        ingest.client().get().uri("/console").exchange()
                .expectStatus().isEqualTo(301)
                .expectHeader().location("/console/");
    }

    @Test
    void thePageAndItsFilesNeedNoApiKeyAndLoadNothingFromElsewhere() {
        String page = ingest.client().get().uri("/console/").exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_HTML)
                .expectHeader().valueEquals("Content-Security-Policy", ConsolePages.CONTENT_SECURITY_POLICY)
                .expectHeader().valueEquals("Referrer-Policy", "no-referrer")
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(page).contains("<meta charset=\"utf-8\">", "app.js", "console.css").doesNotContain("http://", "https://");

        for (String file : new String[] {"app.js", "api.js", "feed.js", "live.js", "calls.js", "call.js", "dom.js"}) {
            String script = ingest.client().get().uri("/console/" + file).exchange()
                    .expectStatus().isOk()
                    .expectHeader().contentTypeCompatibleWith("text/javascript")
                    .expectBody(String.class).returnResult().getResponseBody();
            assertThat(script).as(file).doesNotContain("http://", "https://", "innerHTML");
        }
        ingest.client().get().uri("/console/console.css").exchange()
                .expectStatus().isOk().expectHeader().contentTypeCompatibleWith("text/css");
    }

    @Test
    void theApiStillNeedsTheKey() {
        ingest.client().get().uri("/v1/calls").exchange().expectStatus().isUnauthorized();
    }
}
