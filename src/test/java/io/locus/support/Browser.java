package io.locus.support;

import java.io.File;
import java.nio.file.Path;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real headless Chromium driven through chromedriver (WebDriver), both the Debian packages
 * {@code make test} installs: {@code chromium} and {@code chromedriver} on the PATH, or the
 * files {@code LOCUS_CHROMIUM} and {@code LOCUS_CHROMEDRIVER} name. Nothing is downloaded.
 */
public final class Browser {
  private Browser() {}

  /** A headless browser with a {@code width} × {@code height} window, chromedriver's log in {@code log}. */
  public static ChromeDriver start(int width, int height, Path log) {
    ChromeOptions options =
        new ChromeOptions()
            .setBinary(onPath("LOCUS_CHROMIUM", "chromium"))
            .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-extensions", "--window-size=" + width + "," + height);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(onPath("LOCUS_CHROMEDRIVER", "chromedriver")))
            .usingAnyFreePort()
            .withLogFile(log.toFile())
            .build();
    return new ChromeDriver(service, options);
  }

  /** The file an environment variable names, else the first {@code name} on the PATH. */
  private static String onPath(String variable, String name) {
    String named = System.getenv(variable);
    if (named != null && !named.isBlank()) {
      return named;
    }
    for (String folder : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      File candidate = new File(folder, name);
      if (candidate.canExecute()) {
        return candidate.getPath();
      }
    }
    throw new IllegalStateException(name + " is not on the PATH: `make chromium` installs it (or set " + variable + ")");
  }
}
