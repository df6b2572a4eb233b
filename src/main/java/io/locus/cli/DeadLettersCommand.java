package io.locus.cli;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.ShutdownSignalException;
import io.locus.ingest.QueueTopology;
import io.locus.ingest.RabbitSettings;
import io.locus.ops.RequestIds;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar locus.jar dead-letters [list | redrive]}: shows the dead-letter queue, and
 * sends chosen dead letters back to their shard queues once their cause is mended.
 *
 * <p>Both take up to {@code --limit} dead letters from the head of the queue with {@code
 * basic.get}, unacknowledged, on one channel; closing the channel gives back to the broker every
 * one not acknowledged. So {@code list} loses nothing, and {@code redrive} acknowledges a dead
 * letter only once the broker confirmed its copy on the write exchange (persistent, routed by its
 * shard, mandatory). What is given back may come back in another order (a quorum queue does not
 * promise to put it back in its place), which only matters to the next {@code --limit}: dead
 * letters have no order Locus relies on, and a write's effect follows its timestamp, not its
 * arrival. A copy sent twice (a confirm lost, a second run) is harmless for the same reason.
 *
 * <p>It uses RabbitMQ's blocking Java client: a command is a plain program, not an event loop,
 * and waits for each answer anyway. Exit code 0 done, 1 the broker unreachable or a dead letter
 * selected but not re-driven, 2 bad arguments.
 */
@Command(
    name = "dead-letters",
    description = {
      "List the dead-letter queue (the default), or re-drive dead letters to their shard queues.",
      "Dead letters are operations Locus could not write after its own tries; see README, \"Dead letters\"."
    },
    subcommands = {DeadLettersCommand.ListCommand.class, DeadLettersCommand.RedriveCommand.class})
public final class DeadLettersCommand implements Callable<Integer> {
  private static final String NAME = "locus dead-letters";
  /** How long a re-driven copy may wait for the broker's confirm, at least. */
  private static final int CONFIRM_TIMEOUT_MS = 5_000;

  @Option(names = {"-h", "--help"}, usageHelp = true, scope = ScopeType.INHERIT, description = "show this help and exit")
  boolean help;

  @Option(
      names = "--limit",
      defaultValue = "100",
      scope = ScopeType.INHERIT,
      description = "the most dead letters to look at, from the head of the queue (default: ${DEFAULT-VALUE}); raise it to look further")
  int limit;

  @Spec CommandSpec spec;

  private final NodeDefaults defaults;
  private final PrintStream out;
  private final PrintStream err;

  /** The command with the broker of a node's configuration; it reports to {@code out} and {@code err}. */
  public DeadLettersCommand(NodeDefaults defaults, PrintStream out, PrintStream err) {
    this.defaults = defaults;
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() {
    return list(spec);
  }

  /** {@code dead-letters list}: the same as {@code dead-letters} alone. */
  @Command(name = "list", description = "Show the dead letters, one a line, and how many there are of each reason. Nothing is taken off the queue.")
  static final class ListCommand implements Callable<Integer> {
    @ParentCommand DeadLettersCommand parent;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      return parent.list(spec);
    }
  }

  /** {@code dead-letters redrive}: the chosen dead letters, back to their shard queues. */
  @Command(
      name = "redrive",
      description = {
        "Send dead letters back to their shard queues: every one looked at, or those matching all the filters given.",
        "Each is acknowledged (taken off the dead-letter queue) only once the broker confirmed its copy; the others stay dead."
      })
  static final class RedriveCommand implements Callable<Integer> {
    @ParentCommand DeadLettersCommand parent;
    @Spec CommandSpec spec;

    @Option(names = "--layer", description = "only the dead letters of this layer")
    String layer;

    @Option(names = "--id", description = "only the dead letters of this record id")
    String id;

    @Option(names = "--reason-contains", paramLabel = "TEXT", description = "only the dead letters whose reason contains TEXT (any case)")
    String reasonContains;

    @Option(names = "--older-than", paramLabel = "SECONDS", description = "only the dead letters dead for at least SECONDS (those of unknown age are left)")
    Long olderThan;

    @Option(names = "--dry-run", description = "say what would be re-driven, and leave every dead letter where it is")
    boolean dryRun;

    @Override
    public Integer call() {
      if (olderThan != null && olderThan < 0) {
        throw new ParameterException(spec.commandLine(), "--older-than must be 0 or more, got " + olderThan);
      }
      return parent.redrive(spec, new DeadLetterFilter(layer, id, reasonContains, olderThan), dryRun);
    }
  }

  /** A dead letter taken off the queue, not yet acknowledged. */
  private record Held(GetResponse response, DeadLetter letter) {}

  int list(CommandSpec command) {
    checkLimit(command);
    return withChannel(
        (channel, topology, waiting) -> {
          List<Held> held = take(channel, topology);
          long now = System.currentTimeMillis();
          List<DeadLetter> letters = held.stream().map(Held::letter).toList();
          if (letters.isEmpty()) {
            out.println("no dead letters in " + topology.deadLetterQueue());
            return 0;
          }
          DeadLetterReport.table(letters, topology, now).forEach(out::println);
          out.println();
          out.println(
              (letters.size() < waiting ? "the first " + letters.size() + " of " + waiting : Integer.toString(letters.size()))
                  + " dead letter" + (waiting == 1 ? "" : "s") + " in " + topology.deadLetterQueue() + ", by reason:");
          DeadLetterReport.byReason(letters).forEach(out::println);
          return 0;
        });
  }

  int redrive(CommandSpec command, DeadLetterFilter filter, boolean dryRun) {
    checkLimit(command);
    return withChannel(
        (channel, topology, waiting) -> {
          AtomicBoolean returned = new AtomicBoolean();
          channel.addReturnListener(unroutable -> returned.set(true));
          channel.confirmSelect();
          List<Held> held = take(channel, topology);
          long now = System.currentTimeMillis();
          int redriven = 0;
          int unselected = 0;
          int failed = 0;
          for (Held one : held) {
            DeadLetter letter = one.letter();
            if (!filter.matches(letter, now)) {
              unselected++;
              continue;
            }
            Integer shard = letter.targetShard(topology);
            if (shard == null) {
              failed++;
              out.println("left dead  " + letter.record() + "  " + DeadLetter.orUnknown(letter.op()) + ": no shard to send it to (its body names no record and no shard header says where it came from)");
              continue;
            }
            String line = letter.record() + "  " + DeadLetter.orUnknown(letter.op()) + " -> shard " + shard + "  (was: " + letter.reason() + ")";
            if (dryRun) {
              out.println("would re-drive  " + line);
              redriven++;
              continue;
            }
            returned.set(false);
            channel.basicPublish(topology.exchange(), QueueTopology.routingKey(shard), true, copyProperties(letter), one.response().getBody());
            channel.waitForConfirmsOrDie(Math.max(CONFIRM_TIMEOUT_MS, defaults.rabbitmq().confirmTimeoutMs()));
            if (returned.get()) {
              failed++;
              out.println("left dead  " + letter.record() + ": no queue is bound to shard " + shard + " on exchange " + topology.exchange());
              continue;
            }
            channel.basicAck(one.response().getEnvelope().getDeliveryTag(), false);
            out.println("re-driven  " + line);
            redriven++;
          }
          out.println(
              (dryRun ? "would re-drive " : "re-driven ") + redriven + " of " + held.size() + " dead letters looked at ("
                  + waiting + " in " + topology.deadLetterQueue() + "); left dead: " + unselected + " not selected"
                  + (failed > 0 ? ", " + failed + " that could not be sent" : ""));
          return failed > 0 ? 1 : 0;
        });
  }

  /** What a re-driven copy carries: persistent, JSON, and the request's id; not why it died. */
  static AMQP.BasicProperties copyProperties(DeadLetter letter) {
    Map<String, Object> headers = new HashMap<>();
    if (letter.requestId() != null) {
      headers.put(RequestIds.HEADER, letter.requestId());
    }
    return new AMQP.BasicProperties.Builder().deliveryMode(2).contentType("application/json").headers(headers).build();
  }

  /** {@code --limit} is an option of every subcommand too; a wrong one is reported with {@code command}'s usage. */
  private void checkLimit(CommandSpec command) {
    if (limit < 1) {
      throw new ParameterException(command.commandLine(), "--limit must be 1 or more, got " + limit);
    }
  }

  /** Up to {@code --limit} dead letters from the head of the queue, unacknowledged. */
  private List<Held> take(Channel channel, QueueTopology topology) throws IOException {
    List<Held> held = new ArrayList<>();
    while (held.size() < limit) {
      GetResponse response = channel.basicGet(topology.deadLetterQueue(), false);
      if (response == null) {
        break;
      }
      AMQP.BasicProperties properties = response.getProps();
      held.add(new Held(response, DeadLetter.read(properties.getHeaders(), properties.getTimestamp(), response.getBody())));
    }
    return held;
  }

  /** What runs on the channel; whatever it leaves unacknowledged goes back when the channel closes. */
  private interface OnChannel {
    int run(Channel channel, QueueTopology topology, long waiting) throws IOException, TimeoutException, InterruptedException;
  }

  private int withChannel(OnChannel work) {
    RabbitSettings settings = defaults.rabbitmq();
    QueueTopology topology = new QueueTopology(settings);
    String broker = "RabbitMQ at " + settings.host() + ":" + settings.port() + " (virtual host " + settings.virtualHost() + ")";
    ConnectionFactory factory = settings.connectionFactory();
    factory.setConnectionTimeout(5_000);
    factory.setHandshakeTimeout(5_000);
    factory.setAutomaticRecoveryEnabled(false);
    Connection connection;
    try {
      connection = factory.newConnection(NAME);
    } catch (IOException | TimeoutException e) {
      err.println(NAME + ": cannot reach " + broker + ": " + describe(e));
      return 1;
    }
    try (connection) {
      long waiting;
      try (Channel probe = connection.createChannel()) {
        waiting = probe.queueDeclarePassive(topology.deadLetterQueue()).getMessageCount();
      } catch (IOException e) {
        err.println(NAME + ": no queue " + topology.deadLetterQueue() + " on " + broker
            + " (a node with this configuration declares it when it starts): " + describe(e));
        return 1;
      }
      // Closing the channel hands back every dead letter taken and not acknowledged.
      try (Channel channel = connection.createChannel()) {
        return work.run(channel, topology, waiting);
      }
    } catch (IOException | TimeoutException | ShutdownSignalException e) {
      err.println(NAME + ": " + broker + " failed: " + describe(e) + "; every dead letter not reported re-driven is still in the queue");
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  private static String describe(Throwable e) {
    Throwable cause = e.getCause() instanceof ShutdownSignalException shutdown ? shutdown : e;
    String message = cause.getMessage();
    return message == null || message.isBlank() ? cause.toString() : message;
  }
}
