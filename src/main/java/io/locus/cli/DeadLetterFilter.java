package io.locus.cli;

import java.util.Locale;

/**
 * Which dead letters {@code locus dead-letters redrive} takes: every one, or those matching all of
 * the criteria given ({@code null}: no criterion). A criterion a dead letter cannot answer (no
 * layer, no known age) does not match it.
 *
 * @param layer the layer, exactly
 * @param id the record id, exactly
 * @param reasonContains a part of the reason, in any case
 * @param olderThanSeconds dead-lettered at least this long ago
 */
record DeadLetterFilter(String layer, String id, String reasonContains, Long olderThanSeconds) {

  boolean matches(DeadLetter letter, long nowMs) {
    if (layer != null && !layer.equals(letter.layer())) {
      return false;
    }
    if (id != null && !id.equals(letter.id())) {
      return false;
    }
    if (reasonContains != null
        && !letter.reason().toLowerCase(Locale.ROOT).contains(reasonContains.toLowerCase(Locale.ROOT))) {
      return false;
    }
    if (olderThanSeconds != null) {
      Long age = letter.ageSeconds(nowMs);
      return age != null && age >= olderThanSeconds;
    }
    return true;
  }
}
