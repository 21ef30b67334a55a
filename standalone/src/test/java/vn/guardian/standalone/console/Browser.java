package vn.guardian.standalone.console;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium and its driver, headless. Both are named by path, so Selenium Manager never tries to download a
 * browser (there is no internet here but the package registries). A machine without them fails the test and says
 * how to install them: a skipped browser test would hide an untested console.
 */
final class Browser {

    static final Path CHROMIUM = Path.of(System.getProperty("guardian.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("guardian.chromedriver", "/usr/bin/chromedriver"));

    private Browser() {
    }

    static void requireInstalled() {
        for (Path program : new Path[] {CHROMIUM, CHROMEDRIVER}) {
            if (!Files.isExecutable(program)) {
                throw new AssertionError(program + " is missing: the console is tested in Debian's Chromium. Install it"
                        + " with `apt-get update && apt-get install -y chromium chromium-driver` (as root; .ci/run does"
                        + " this), or point -Dguardian.chromium and -Dguardian.chromedriver at another Chromium and its"
                        + " driver of the same version.");
            }
        }
    }

    /** A fresh headless browser with its own profile (so its own sessionStorage), {@code width} x {@code height}. */
    static ChromeDriver start(int width, int height) {
        requireInstalled();
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort()
                .withTimeout(Duration.ofSeconds(60))
                .build();
        ChromeOptions options = new ChromeOptions()
                .setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                        "--window-size=" + width + "," + height, "--lang=en-US", "--force-device-scale-factor=1",
                        // a beep needs no sound card in a test
                        "--autoplay-policy=no-user-gesture-required", "--mute-audio");
        return new ChromeDriver(service, options);
    }
}
