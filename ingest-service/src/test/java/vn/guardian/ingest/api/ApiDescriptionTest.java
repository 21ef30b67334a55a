package vn.guardian.ingest.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.result.method.RequestMappingInfo;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.util.pattern.PathPattern;
import org.yaml.snakeyaml.Yaml;
import vn.guardian.ingest.RunningIngest;

/**
 * The hand-written API description cannot drift from the code: every route and method the running application
 * serves is in {@code openapi.yaml}, and every path and method there is served.
 */
class ApiDescriptionTest {

    private static final Set<String> HTTP_METHODS = Set.of("get", "post", "put", "patch", "delete");

    private static RunningIngest ingest;

    @BeforeAll
    static void start() {
        // no broker or database needed to list routes: nothing is published or read here
        ingest = RunningIngest.start(Map.of("spring.kafka.bootstrap-servers", "127.0.0.1:9"));
    }

    @AfterAll
    static void stop() {
        if (ingest != null) {
            ingest.close();
        }
    }

    @Test
    void everyServedRouteIsDescribedAndEveryDescribedRouteIsServed() {
        Set<String> served = new TreeSet<>();
        for (RequestMappingHandlerMapping controllers
                : ingest.context().getBeansOfType(RequestMappingHandlerMapping.class).values()) {
            for (Map.Entry<RequestMappingInfo, HandlerMethod> route : controllers.getHandlerMethods().entrySet()) {
                if (!route.getValue().getBeanType().getPackageName().startsWith("vn.guardian")) {
                    continue; // actuator and framework endpoints are not the product's API
                }
                for (PathPattern path : route.getKey().getPatternsCondition().getPatterns()) {
                    route.getKey().getMethodsCondition().getMethods()
                            .forEach(method -> served.add(method.name() + " " + normalized(path.getPatternString())));
                }
            }
        }
        // the WebSocket is a URL handler, not a controller; its upgrade request is a GET
        ingest.context().getBeansOfType(SimpleUrlHandlerMapping.class).values().forEach(mapping ->
                mapping.getUrlMap().keySet().stream().filter(path -> path.startsWith("/v1/"))
                        .forEach(path -> served.add("GET " + normalized(path))));

        String spec = ingest.client().get().uri("/openapi.yaml").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        Map<String, Object> paths = (Map<String, Object>) new Yaml().<Map<String, Object>>load(spec).get("paths");
        Set<String> described = new TreeSet<>();
        paths.forEach((path, operations) -> ((Map<String, Object>) operations).keySet().stream()
                .filter(HTTP_METHODS::contains)
                .forEach(method -> described.add(method.toUpperCase() + " " + normalized(path))));

        assertThat(served).as("routes the application serves").isNotEmpty()
                .containsExactlyInAnyOrderElementsOf(described);
    }

    /** {@code /v1/calls/{callId}} and {@code /v1/calls/*} name the same route. */
    private static String normalized(String path) {
        return path.replaceAll("\\{[^}]+}", "*");
    }
}
