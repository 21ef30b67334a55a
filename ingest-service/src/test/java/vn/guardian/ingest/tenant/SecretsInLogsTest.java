package vn.guardian.ingest.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import vn.guardian.ingest.RunningIngest;
import vn.guardian.testsupport.ConsoleCapture;
import vn.guardian.testsupport.TestPostgres;

/**
 * API keys and passwords reach the service through configuration and requests, and never its logs: every line the
 * service writes to its console (its log lines, some at DEBUG) while it starts, authenticates, refuses and answers
 * is scanned for them.
 */
class SecretsInLogsTest {

    private static final String TENANT_KEY = "tenant-key-7f3a9c1e5b";
    private static final String WRONG_KEY = "guessed-key-2d8e4b6a0c";
    private static final String DATABASE_PASSWORD = "db-password-9c4e1a7f3b";

    /** Everything the service writes to the console, where its (JSON) log lines go, while this test runs. */
    private static ConsoleCapture console;

    private static TestPostgres postgres;
    private static RunningIngest ingest;

    @BeforeAll
    static void start() throws Exception {
        console = ConsoleCapture.start(); // before the service starts, so its appender writes through it
        postgres = TestPostgres.start();
        Flyway.configure().dataSource(postgres.jdbcUrl(), TestPostgres.USER, TestPostgres.PASSWORD)
                .locations("filesystem:../moderation-stream/src/main/resources/db/migration").load().migrate();
        ingest = RunningIngest.withKafka(Map.of(
                "guardian.ingest.tenants.secretive.api-keys", TENANT_KEY,
                // a password only this test uses, passed as configuration like a deployment's
                "spring.r2dbc.url", postgres.r2dbcUrl(),
                "spring.r2dbc.username", TestPostgres.USER,
                "spring.r2dbc.password", DATABASE_PASSWORD,
                "logging.level.vn.guardian", "DEBUG",
                "logging.level.org.springframework.web", "DEBUG",
                "logging.level.org.springframework.boot.context.config", "DEBUG"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (ingest != null) {
            ingest.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        console.close();
    }

    @Test
    void neitherTheApiKeysNorTheDatabasePasswordAreEverLogged() {
        var http = ingest.client();
        http.get().uri("/v1/calls/some-call").header("X-Api-Key", TENANT_KEY).exchange()
                .expectStatus().isNotFound();
        http.get().uri("/v1/calls?limit=5").header("X-Api-Key", TENANT_KEY).exchange()
                .expectStatus().isOk();
        http.get().uri("/v1/calls/some-call").header("X-Api-Key", WRONG_KEY).exchange()
                .expectStatus().isUnauthorized()
                .expectBody(String.class).value(body -> assertThat(body).doesNotContain(WRONG_KEY));
        http.post().uri("/v1/calls").header("X-Api-Key", TENANT_KEY).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"format\":{\"encoding\":\"mulaw\",\"sampleRate\":8000,\"channels\":2}}").exchange()
                .expectStatus().isCreated();
        http.post().uri("/v1/calls").header("X-Api-Key", WRONG_KEY).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"format\":{}}").exchange().expectStatus().isUnauthorized();

        List<String> logged = console.lines();
        assertThat(logged).as("the service logged while it started and answered").hasSizeGreaterThan(10);
        assertThat(logged).noneMatch(line -> line.contains(TENANT_KEY))
                .noneMatch(line -> line.contains(WRONG_KEY))
                .noneMatch(line -> line.contains(DATABASE_PASSWORD));
    }

}
