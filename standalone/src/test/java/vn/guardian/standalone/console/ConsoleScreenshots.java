package vn.guardian.standalone.console;

import static vn.guardian.standalone.console.ConsoleBrowserTest.LOCAL_KEY;
import static vn.guardian.standalone.console.ConsoleBrowserTest.SAMPLES;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import vn.guardian.embedded.EmbeddedKafka;
import vn.guardian.ingest.audio.WavParser;
import vn.guardian.standalone.Pipeline;
import vn.guardian.standalone.StandaloneSettings;

/**
 * Makes the README's screenshots of the console ({@code docs/screenshots/}): the live list with the call list, and
 * a stereo call's view. Not a test: it runs only when asked,
 * {@code ./mvnw -B -q -pl standalone -am verify -Dtest=ConsoleScreenshots -Dguardian.screenshots=true
 * -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=none -Dfailsafe.failIfNoSpecifiedTests=false}.
 */
@EnabledIfSystemProperty(named = "guardian.screenshots", matches = "true")
class ConsoleScreenshots {

    private static final Path OUT = Path.of(System.getProperty("guardian.screenshots.dir", "../docs/screenshots"));
    private static final int WIDTH = 1280;

    @TempDir
    static Path dataDir;

    @Test
    void screenshots() throws Exception {
        Browser.requireInstalled();
        Files.createDirectories(OUT);
        try (Pipeline pipeline = Pipeline.start(StandaloneSettings.ephemeral(dataDir),
                new Pipeline.Tuning(EmbeddedKafka.PARTITIONS, Map.of(), Map.of(), Map.of()))) {
            ChromeDriver browser = Browser.start(WIDTH, 900);
            try {
                shoot(pipeline, browser);
            } finally {
                browser.quit();
            }
        }
    }

    private static void shoot(Pipeline pipeline, ChromeDriver browser) throws Exception {
        GuardianApi api = new GuardianApi(pipeline.ingestUrl(), LOCAL_KEY);
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(90));
        ConsoleBrowserTest.signIn(browser, pipeline.ingestUrl(), LOCAL_KEY);
        wait.until(ExpectedConditions.attributeToBe(By.id("feed-status"), "data-state", "open"));
        browser.findElement(By.id("reviewer")).sendKeys("lan.nguyen");

        String stereo = api.upload(agentAndCustomer(), "agent,customer");
        String[] others = {
            api.upload(Files.readAllBytes(SAMPLES.resolve("three-insults-call.wav")), null),
            api.upload(Files.readAllBytes(SAMPLES.resolve("abusive-call.wav")), null),
            api.upload(Files.readAllBytes(SAMPLES.resolve("clean-call.wav")), null),
        };
        api.closedCall(stereo);
        for (String callId : others) {
            api.closedCall(callId);
        }
        wait.until(driver -> driver.findElements(By.cssSelector("#live-rows tr")).size() >= 6);
        browser.findElement(By.cssSelector("#call-filters button[type='submit']")).click();
        wait.until(driver -> driver.findElements(By.cssSelector("#call-rows tr")).size() >= 4);
        save(browser, "console.png");

        browser.get(pipeline.ingestUrl() + "/console/#/calls/" + stereo);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".timeline .segment")));
        WebElement flagged = browser.findElement(By.cssSelector(".segment.escalating, .segment.action-row-flag"));
        flagged.findElement(By.cssSelector("button[data-review='correct']")).click();
        wait.until(driver -> flagged.findElement(By.cssSelector(".saved")).getText().contains("lan.nguyen"));
        browser.findElement(By.id("alert-dismiss")).click();
        save(browser, "call.png");
    }

    /** The whole page: the window grows to the document's height (at most 2,400 px) for the shot. */
    private static void save(ChromeDriver browser, String name) throws Exception {
        ((JavascriptExecutor) browser).executeScript("window.scrollTo(0, 0); document.activeElement.blur();");
        long height = (Long) ((JavascriptExecutor) browser).executeScript(
                "return document.documentElement.scrollHeight");
        browser.manage().window().setSize(new Dimension(WIDTH, (int) Math.min(2400, height + 120)));
        Thread.sleep(500);
        Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, OUT.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        browser.manage().window().setSize(new Dimension(WIDTH, 900));
        System.out.println("wrote " + OUT.resolve(name).toAbsolutePath().normalize());
    }

    /** A stereo call: the agent (left) greets, the customer (right) answers with abuse, the agent speaks again. */
    private static byte[] agentAndCustomer() throws Exception {
        short[] agent = pcm("clean-call.wav");
        short[] customer = pcm("abusive-call.wav");
        int frames = agent.length + customer.length + agent.length;
        ByteBuffer wav = ByteBuffer.allocate(44 + frames * 4).order(ByteOrder.LITTLE_ENDIAN);
        wav.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + frames * 4)
                .put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16)
                .putShort((short) 1).putShort((short) 2).putInt(16_000).putInt(64_000).putShort((short) 4)
                .putShort((short) 16).put("data".getBytes(StandardCharsets.US_ASCII)).putInt(frames * 4);
        for (int i = 0; i < frames; i++) {
            int second = i - agent.length - customer.length;
            wav.putShort(i < agent.length ? agent[i] : second >= 0 ? agent[second] : 0);
            int answer = i - agent.length;
            wav.putShort(answer >= 0 && answer < customer.length ? customer[answer] : 0);
        }
        return wav.array();
    }

    /** The 16 kHz mono PCM16 samples of a sample call. */
    private static short[] pcm(String sample) throws Exception {
        return WavParser.parse(Files.readAllBytes(SAMPLES.resolve(sample))).channel(0);
    }
}
