package io.locus.serving;

import io.locus.store.IndexReader.Entry;

/**
 * Heap estimates of the parts of a {@link LayerIndex}, for 64-bit HotSpot with compressed oops
 * and class pointers (heaps under 32 GiB): 12-byte object headers, 4-byte references, objects
 * aligned to 8 bytes, and compact strings (a byte a character when every character is Latin-1,
 * else two). Map costs are JDK 17's: a {@code ConcurrentHashMap} node is 32 bytes plus its share
 * of the table (4-byte slots, 1.3 to 2.7 of them an entry at a load factor under 0.75: 8 bytes
 * taken as the mean; the table never shrinks, so after mass removals the heap keeps more than
 * this says); a {@code ConcurrentSkipListMap} node is 24 bytes plus half an index node (a node
 * gets an index tower with probability 1/4, two levels high on average) of 24 bytes.
 */
final class Footprint {
  /** One entry of a {@code ConcurrentHashMap}: node and table share. */
  static final long HASH_ENTRY = 32 + 8;

  /** One entry of a {@code ConcurrentSkipListMap}: node and index share. */
  static final long SKIP_ENTRY = 24 + 12;

  /** A {@code LayerIndex.Live}: header, two longs, two references. */
  static final long LIVE = 40;

  /** An {@link Entry}: header, two doubles and two longs, three references. */
  static final long ENTRY = 56;

  /** A boxed {@code long}. */
  static final long BOXED_LONG = 16;

  /**
   * A partition: its entry in the partition map (with the boxed id) and its own skip list
   * (the map object, its head index and its base node).
   */
  static final long PARTITION = SKIP_ENTRY + BOXED_LONG + 40 + 24 + 24;

  /** The index object and its three empty maps. */
  static final long EMPTY_INDEX = 48 + 3 * 64;

  private Footprint() {}

  /** A string, its byte array included; 0 for null. */
  static long string(String s) {
    if (s == null) {
      return 0;
    }
    int perChar = 1;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) > 0xFF) {
        perChar = 2;
        break;
      }
    }
    return 24 + align(16 + (long) perChar * s.length());
  }

  /** An entry with the strings it alone holds (its id is counted with the record). */
  static long entry(Entry entry) {
    return ENTRY + string(entry.coordinates()) + string(entry.properties());
  }

  /** A live record: its id, its entry, and its place in the id map and in its partition. */
  static long record(String id, Entry entry) {
    return HASH_ENTRY + LIVE + SKIP_ENTRY + string(id) + entry(entry);
  }

  /** A tombstone: its id and timestamp in the tombstone map. */
  static long tombstone(String id) {
    return HASH_ENTRY + BOXED_LONG + string(id);
  }

  private static long align(long size) {
    return (size + 7) & ~7L;
  }
}
