package vn.guardian.standalone.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;
import vn.guardian.embedded.EmbeddedKafka;
import vn.guardian.standalone.Pipeline;
import vn.guardian.standalone.StandaloneSettings;

/**
 * The supervisors' console in a real browser (Debian's Chromium, headless) against the real standalone pipeline:
 * what a supervisor sees live, in a call, after a review, and what another tenant does not see.
 */
class ConsoleBrowserTest {

    static final Path SAMPLES = Path.of("..", "samples");
    static final String LOCAL_KEY = "local-dev-key";
    /** A second tenant, for this test only: the standalone pipeline has just {@code local}. */
    static final String OTHER_KEY = "other-tenant-key";
    static final Map<String, Object> OTHER_TENANT = Map.of("guardian.ingest.tenants.other.api-keys", OTHER_KEY);
    /** From upload to a row in the live list: transcription of a 7 s call plus moderation, on a loaded 2-core box. */
    private static final Duration LIVE_WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path dataDir;

    private static Pipeline pipeline;
    private static ChromeDriver browser;
    private static GuardianApi local;
    private static String flaggedCallId;

    @BeforeAll
    static void start() throws Exception {
        Browser.requireInstalled(); // before the pipeline: a missing browser should fail fast, saying how to fix it
        pipeline = Pipeline.start(StandaloneSettings.ephemeral(dataDir),
                new Pipeline.Tuning(EmbeddedKafka.PARTITIONS, Map.of(), Map.of(), OTHER_TENANT));
        local = new GuardianApi(pipeline.ingestUrl(), LOCAL_KEY);
        browser = Browser.start(1280, 1000);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void aFlaggedCallAppearsInTheLiveListSecondsAfterItsUpload() throws Exception {
        signIn(LOCAL_KEY);
        awaitFeedOpen();

        long uploaded = System.nanoTime();
        String callId = local.upload(Files.readAllBytes(SAMPLES.resolve("abusive-call.wav")), null);

        WebElement row = waitFor(LIVE_WAIT).until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#live-rows tr[data-call-id='" + callId + "']")));
        long seconds = Duration.ofNanos(System.nanoTime() - uploaded).toSeconds();
        System.out.printf("live list: call %s shown %d s after its upload%n", callId, seconds);
        assertThat(row.getText()).containsAnyOf("FLAG", "ESCALATE");
        // the sample says "I will kill you": a threat escalates the call, and the supervisor is alerted
        WebElement alert = waitFor(LIVE_WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.id("alert")));
        assertThat(alert.getAttribute("role")).isEqualTo("alert");
        assertThat(alert.getText()).contains("Escalated", callId);
        assertThat(browser.findElement(By.id("live-rows")).getAttribute("aria-live")).isEqualTo("polite");

        row.findElement(By.cssSelector("a[href='#/calls/" + callId + "']")).sendKeys(Keys.ENTER);
        waitFor(LIVE_WAIT).until(ExpectedConditions.textToBe(By.id("call-title"), "Call " + callId));
    }

    @Test
    void theCallViewHighlightsTheMatchedTermsAndTheRuleThatEscalated() throws Exception {
        JsonNode call = local.closedCall(flaggedCall());
        List<String> said = new ArrayList<>();
        for (JsonNode segment : call.get("segments")) {
            for (JsonNode category : segment.get("categories")) {
                for (JsonNode span : category.get("spans")) {
                    said.add(segment.get("text").asString().substring(span.get("start").asInt(), span.get("end").asInt()));
                }
            }
        }
        assertThat(said).as("the sample's matched terms, by the API").isNotEmpty();

        signIn(LOCAL_KEY);
        openCall(call.get("callId").asString());

        List<String> marked = browser.findElements(By.cssSelector(".timeline mark")).stream()
                .map(WebElement::getText).toList();
        assertThat(marked).isNotEmpty();
        assertThat(said).allSatisfy(term -> assertThat(marked).anySatisfy(mark -> assertThat(mark).contains(term)));
        assertThat(String.join(" ", marked)).containsIgnoringCase("idiot").containsIgnoringCase("kill");
        WebElement flagged = browser.findElement(By.cssSelector(".segment.action-row-escalate, .segment.action-row-flag"));
        assertThat(flagged.findElement(By.cssSelector(".categories")).getText()).contains("INSULT", "VIOLENCE_OR_THREAT");
        assertThat(flagged.findElement(By.cssSelector(".time")).getText()).matches("\\d+:\\d\\d\\.\\d–\\d+:\\d\\d\\.\\d");

        JsonNode escalation = call.get("summary").get("escalation");
        WebElement verdict = browser.findElement(By.cssSelector(".verdict"));
        assertThat(verdict.getText()).contains("ESCALATE", escalation.get("rule").asString());
        for (JsonNode segmentId : escalation.get("segmentIds")) {
            assertThat(browser.findElement(By.id("segment-" + segmentId.asString())).getAttribute("class"))
                    .contains("escalating");
        }
    }

    @Test
    void aReviewIsSavedAndShowsAfterAReload() throws Exception {
        String callId = flaggedCall();
        local.closedCall(callId);
        signIn(LOCAL_KEY);
        WebElement reviewer = browser.findElement(By.id("reviewer"));
        reviewer.clear();
        reviewer.sendKeys("lan.nguyen");
        openCall(callId);

        WebElement segment = browser.findElement(By.cssSelector(".segment.action-row-escalate, .segment.action-row-flag"));
        String segmentId = segment.getAttribute("data-segment-id");
        new Select(segment.findElement(By.tagName("select"))).selectByValue("harassment_or_abuse");
        // by keyboard: the button takes focus and Enter presses it
        segment.findElement(By.cssSelector("button[data-review='wrong']")).sendKeys(Keys.ENTER);
        waitFor(Duration.ofSeconds(10)).until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("#segment-" + segmentId + " .saved"), "by lan.nguyen"));

        browser.navigate().refresh();
        WebElement saved = waitFor(LIVE_WAIT).until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#segment-" + segmentId + " .saved")));
        assertThat(saved.getText()).contains("harassment_or_abuse", "lan.nguyen");
        assertThat(browser.findElement(By.id("reviewer")).getAttribute("value"))
                .as("the reviewer's name is kept for the session").isEqualTo("lan.nguyen");

        // "correct" takes the segment's top category; the last review wins
        String proposed = browser.findElement(By.cssSelector("#segment-" + segmentId + " button[data-review='correct']"))
                .getAttribute("data-label");
        browser.findElement(By.cssSelector("#segment-" + segmentId + " button[data-review='correct']")).click();
        waitFor(Duration.ofSeconds(10)).until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("#segment-" + segmentId + " .review-label"), proposed));
        JsonNode stored = local.callWhere(callId, c -> true);
        for (JsonNode s : stored.get("segments")) {
            if (s.get("segmentId").asString().equals(segmentId)) {
                assertThat(s.get("review").get("label").asString()).isEqualTo(proposed).isIn("insult", "violence_or_threat");
                assertThat(s.get("review").get("reviewer").asString()).isEqualTo("lan.nguyen");
            }
        }
    }

    @Test
    void anotherTenantsKeySeesNoneOfIt() throws Exception {
        String callId = flaggedCall();
        local.closedCall(callId);

        signIn(OTHER_KEY);
        waitFor(LIVE_WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.id("calls-empty")));
        assertThat(browser.findElements(By.cssSelector("#call-rows tr"))).isEmpty();

        openCallPage(callId);
        WebElement refusal = waitFor(LIVE_WAIT).until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#call-body .problem")));
        assertThat(refusal.getText()).contains("No call " + callId + " for your tenant");
        assertThat(browser.findElements(By.cssSelector(".timeline mark"))).isEmpty();

        // a local call flagged while the other tenant watches never reaches its live list
        browser.get(pipeline.ingestUrl() + "/console/#/live");
        awaitFeedOpen();
        String whileWatching = local.upload(Files.readAllBytes(SAMPLES.resolve("abusive-call.wav")), null);
        local.closedCall(whileWatching);
        Thread.sleep(2000); // longer than the live list takes once the verdict is stored
        assertThat(browser.findElements(By.cssSelector("#live-rows tr"))).isEmpty();
        assertThat(browser.findElement(By.id("alert")).isDisplayed()).isFalse();
    }

    @Test
    void aRefusedKeyShowsWhyAndAsksAgainAndTheKeyNeverEntersTheUrl() {
        signIn("not-a-key");

        WebElement message = waitFor(LIVE_WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in-message")));
        assertThat(message.getText()).contains("API key not recognized");
        assertThat(browser.findElement(By.id("key-form")).isDisplayed()).isTrue();
        assertThat(browser.findElement(By.id("overview")).isDisplayed()).isFalse();
        assertThat(sessionKey()).isNull();

        signIn(LOCAL_KEY);
        assertThat(browser.getCurrentUrl()).doesNotContain(LOCAL_KEY);
        assertThat(sessionKey()).isEqualTo(LOCAL_KEY);
        browser.findElement(By.id("sign-out")).click();
        assertThat(sessionKey()).as("sign out forgets the key").isNull();
        assertThat(browser.findElement(By.id("api-key")).isDisplayed()).isTrue();
    }

    @Test
    void aThousandSegmentsRenderAtOnce() {
        signIn(LOCAL_KEY);
        // the page's own fetch answers for one made-up call: 1,000 segments on two channels, each with a span
        ((JavascriptExecutor) browser).executeScript("""
                const real = window.fetch;
                window.fetch = (url, init) => {
                  if (!String(url).endsWith('/v1/calls/big-call')) return real(url, init);
                  const segments = Array.from({ length: 1000 }, (_, i) => ({
                    segmentId: 's' + i, channel: i % 2, channelRole: i % 2 ? 'customer' : 'agent',
                    startMs: i * 3000, endMs: i * 3000 + 2500, text: 'đồ ngu, câu số ' + i, severity: 'MEDIUM',
                    action: 'FLAG', categories: [{ category: 'INSULT', score: 0.8, source: 'LEXICON',
                      spans: [{ start: 0, end: 6, term: 'do ngu' }] }], review: null }));
                  const call = { callId: 'big-call', status: 'closed', language: 'vi', channelRoles: ['agent', 'customer'],
                    chunks: 1, audioMs: 3000000, segments, deadLetters: { total: 0, byReason: {} },
                    summary: { action: 'ESCALATE', riskScore: 0.9, maxSeverity: 'MEDIUM', segments: 1000,
                      countsByCategory: { INSULT: 1000 }, open: false, closeReason: 'completed',
                      escalation: { rule: 'repeat', detail: '3 insults', segmentIds: ['s0', 's1', 's2'] } } };
                  return Promise.resolve(new Response(JSON.stringify(call), { headers: { 'Content-Type': 'application/json' } }));
                };
                // done when the 1,000 segments are in the page and a frame was laid out and painted with them
                new MutationObserver((changes, observer) => {
                  if (document.querySelectorAll('.timeline .segment').length !== 1000) return;
                  observer.disconnect();
                  requestAnimationFrame(() => setTimeout(() => { window.renderMs = performance.now() - started; }));
                }).observe(document.getElementById('call-body'), { childList: true, subtree: true });
                const started = performance.now();
                location.hash = '#/calls/big-call';
                """);
        long renderMs = ((Number) waitFor(LIVE_WAIT).until(driver ->
                ((JavascriptExecutor) driver).executeScript("return window.renderMs"))).longValue();
        System.out.printf("call view: 1,000 segments in the page after %d ms%n", renderMs);
        assertThat(renderMs).as("1,000 segments render in one go").isLessThan(3000);
        WebElement last = browser.findElement(By.id("segment-s999"));
        assertThat(last.findElement(By.tagName("mark")).getText()).isEqualTo("đồ ngu");
        assertThat(last.findElement(By.cssSelector(".said")).getAttribute("lang")).isEqualTo("vi");
        assertThat(browser.findElements(By.cssSelector(".segment.escalating"))).hasSize(3);
    }

    /** One abusive call for the tests that only read it, uploaded once. */
    private static synchronized String flaggedCall() throws Exception {
        if (flaggedCallId == null) {
            flaggedCallId = local.upload(Files.readAllBytes(SAMPLES.resolve("abusive-call.wav")), null);
        }
        return flaggedCallId;
    }

    /** Opens the console, signs out whoever was in, and signs in with {@code key} (accepted or not). */
    static void signIn(String key) {
        signIn(browser, pipeline.ingestUrl(), key);
    }

    static void signIn(WebDriver browser, String baseUrl, String key) {
        browser.get(baseUrl + "/console");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        wait.until(driver -> driver.findElement(By.id("api-key")).isDisplayed()
                || driver.findElement(By.id("sign-out")).isDisplayed());
        if (browser.findElement(By.id("sign-out")).isDisplayed()) {
            browser.findElement(By.id("sign-out")).click();
        }
        WebElement input = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("api-key")));
        input.sendKeys(key);
        input.sendKeys(Keys.ENTER);
        wait.until(driver -> driver.findElement(By.id("sign-out")).isDisplayed()
                || driver.findElement(By.id("sign-in-message")).isDisplayed());
    }

    private static void openCall(String callId) {
        openCallPage(callId);
        waitFor(LIVE_WAIT).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".timeline .segment")));
    }

    private static void openCallPage(String callId) {
        browser.get(pipeline.ingestUrl() + "/console/#/calls/" + callId);
        waitFor(LIVE_WAIT).until(ExpectedConditions.textToBe(By.id("call-title"), "Call " + callId));
    }

    private static void awaitFeedOpen() {
        waitFor(LIVE_WAIT).until(ExpectedConditions.attributeToBe(By.id("feed-status"), "data-state", "open"));
    }

    private static Object sessionKey() {
        return ((JavascriptExecutor) browser).executeScript("return sessionStorage.getItem('guardian.apiKey')");
    }

    private static WebDriverWait waitFor(Duration timeout) {
        return new WebDriverWait(browser, timeout);
    }
}
