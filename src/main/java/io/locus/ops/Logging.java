package io.locus.ops;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import java.net.URL;
import org.slf4j.LoggerFactory;

/** Switches Logback to JSON lines ({@code logback-json.xml}) when {@code logging.format} is json. */
public final class Logging {
  private Logging() {}

  /** Reconfigures logging for JSON output; called once at start, before Vert.x logs anything. */
  public static void useJson() {
    URL json = Logging.class.getResource("/logback-json.xml");
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    try {
      configurator.doConfigure(json);
    } catch (JoranException e) {
      throw new IllegalStateException("cannot configure JSON logging: " + e.getMessage(), e);
    }
  }
}
