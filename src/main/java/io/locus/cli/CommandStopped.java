package io.locus.cli;

/** Why a command stops before its end; its checkpoint keeps what was done. */
final class CommandStopped extends RuntimeException {
  CommandStopped(String message) {
    super(message, null, false, false);
  }
}
