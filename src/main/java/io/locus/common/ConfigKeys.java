package io.locus.common;

/**
 * Every configuration key Locus reads, in one place. Keys are paths in {@code conf/locus.json};
 * each is overridable by an environment variable (see {@link EnvOverrides}). The line on each
 * says who reads it.
 */
public final class ConfigKeys {
  private ConfigKeys() {}

  /** {@code development} or {@code production}; read by {@code Locus} at start. */
  public static final String PROFILE = "profile";

  /** Roles this node runs: {@code api}, {@code publisher}, {@code writer}, {@code query}; read by {@code MainVerticle}. */
  public static final String ROLES = "roles";

  /** Section: verticle instances per role, e.g. {@code {"api": 2}}; read by {@code MainVerticle}. */
  public static final String INSTANCES = "instances";

  /** Section for the HTTP API; read by {@code HttpVerticle}. */
  public static final String HTTP = "http";

  /** Interface the HTTP server binds. */
  public static final String HTTP_HOST = "host";

  /** TCP port of the HTTP server. */
  public static final String HTTP_PORT = "port";

  /** Base URL used in {@code selfLink}/{@code layerLink}; empty means "from the request's Host". */
  public static final String HTTP_PUBLIC_BASE_URL = "publicBaseUrl";

  /** Largest request body accepted, in bytes; larger gets 413. */
  public static final String HTTP_MAX_BODY_BYTES = "maxBodyBytes";

  /** How long the API waits for an event-bus answer before answering 503, in milliseconds. */
  public static final String HTTP_REQUEST_TIMEOUT_MS = "requestTimeoutMs";

  /**
   * How far ahead of the server's clock a record's {@code created} may lie, in seconds; further
   * is 400. Bounds how long a record (and so a delete of it) could be stamped in the future.
   */
  public static final String HTTP_CREATED_SKEW_SECONDS = "createdSkewSeconds";

  /** GeoJSON file the map page draws as its basemap ({@code /map/basemap.json}); empty means none. */
  public static final String HTTP_BASEMAP_FILE = "basemapFile";

  /** Section for RabbitMQ; read by {@code PublisherVerticle} and {@code WriterVerticle}. */
  public static final String RABBITMQ = "rabbitmq";

  public static final String RABBITMQ_HOST = "host";
  public static final String RABBITMQ_PORT = "port";
  public static final String RABBITMQ_USER = "user";
  public static final String RABBITMQ_PASSWORD = "password";
  public static final String RABBITMQ_VIRTUAL_HOST = "virtualHost";

  /** Name prefix of the exchange, shard queues and dead-letter queue. */
  public static final String RABBITMQ_NAME_PREFIX = "namePrefix";

  /** Number of shard queues; fixed for the life of a keyspace (records are routed by it). */
  public static final String RABBITMQ_SHARDS = "shards";

  /** Unacknowledged deliveries a writer holds per shard queue. */
  public static final String RABBITMQ_PREFETCH = "prefetch";

  /** How long a publish may wait for the broker's confirm before the client gets 503. */
  public static final String RABBITMQ_CONFIRM_TIMEOUT_MS = "confirmTimeoutMs";

  /** Delay between reconnection attempts after the broker went away. */
  public static final String RABBITMQ_RECONNECT_INTERVAL_MS = "reconnectIntervalMs";

  /** How long the change stream keeps changes for clients resuming with {@code Last-Event-ID}. */
  public static final String RABBITMQ_CHANGE_RETENTION_SECONDS = "changeRetentionSeconds";

  /** The most the change stream keeps on the broker's disk, whatever their age. */
  public static final String RABBITMQ_CHANGE_RETENTION_MEGABYTES = "changeRetentionMegabytes";

  /** Section for Cassandra; read by the store, query, layer and writer verticles. */
  public static final String CASSANDRA = "cassandra";

  public static final String CASSANDRA_HOST = "host";
  public static final String CASSANDRA_PORT = "port";
  public static final String CASSANDRA_LOCAL_DATACENTER = "localDatacenter";
  public static final String CASSANDRA_KEYSPACE = "keyspace";

  /** Keyspace replication map, as CQL's {@code WITH replication = {...}}. */
  public static final String CASSANDRA_REPLICATION = "replication";

  /** Driver request timeout in milliseconds. */
  public static final String CASSANDRA_REQUEST_TIMEOUT_MS = "requestTimeoutMs";

  /** Section for clustering; read by {@code Locus} before Vert.x starts. */
  public static final String CLUSTER = "cluster";

  /** Join a Hazelcast cluster (false: one node, local event bus). */
  public static final String CLUSTER_ENABLED = "enabled";

  /** Interface Hazelcast and the event bus bind to. */
  public static final String CLUSTER_HOST = "host";

  /** Address other nodes reach this one at; empty means {@code host}. */
  public static final String CLUSTER_PUBLIC_HOST = "publicHost";

  /** Event-bus TCP port; 0 picks a free one. */
  public static final String CLUSTER_EVENT_BUS_PORT = "eventBusPort";

  /** Hazelcast's TCP port. */
  public static final String CLUSTER_HAZELCAST_PORT = "hazelcastPort";

  /** Path of the Hazelcast XML configuration. */
  public static final String CLUSTER_HAZELCAST_CONFIG = "hazelcastConfig";

  /** Members to join, {@code host:port}; empty uses the XML's list. */
  public static final String CLUSTER_MEMBERS = "members";

  /** Section for authentication and limits; read by {@code HttpVerticle} and {@code MainVerticle}. */
  public static final String AUTH = "auth";

  /** How far an OAuth timestamp may be from the server's clock, in seconds. */
  public static final String AUTH_TIMESTAMP_SKEW_SECONDS = "timestampSkewSeconds";

  /** Key of the {@code /admin} surface (bearer token); empty turns the admin surface off. */
  public static final String AUTH_ADMIN_KEY = "adminKey";

  /** Consumer key created at start in the development profile; must be empty in production. */
  public static final String AUTH_DEV_CONSUMER_KEY = "devConsumerKey";

  /** Secret of the development consumer. */
  public static final String AUTH_DEV_CONSUMER_SECRET = "devConsumerSecret";

  /** How long a node trusts its cached copy of a consumer, in seconds (bounds revocation delay). */
  public static final String AUTH_CONSUMER_CACHE_SECONDS = "consumerCacheSeconds";

  /** Section: default per-consumer rate limit (a consumer may carry its own). */
  public static final String AUTH_RATE_LIMIT = "rateLimit";

  /** Sustained requests per second per consumer. */
  public static final String AUTH_REQUESTS_PER_SECOND = "requestsPerSecond";

  /** Requests a consumer may make at once after being idle (the bucket's size). */
  public static final String AUTH_BURST = "burst";

  /** Section for the metrics endpoint; read by {@code Locus} before Vert.x starts. */
  public static final String METRICS = "metrics";

  /** Serve Prometheus metrics at {@code /metrics} (unauthenticated, like the health checks). */
  public static final String METRICS_ENABLED = "enabled";

  /** Section for start and stop; read by {@code Locus} and the verticles that drain. */
  public static final String LIFECYCLE = "lifecycle";

  /** Longest a graceful stop (SIGTERM) may take before the process exits anyway, in ms. */
  public static final String LIFECYCLE_SHUTDOWN_DEADLINE_MS = "shutdownDeadlineMs";

  /** Section for logging; read by {@code Locus} at start. */
  public static final String LOGGING = "logging";

  /** {@code text} (one line per event) or {@code json} (one JSON object per line). */
  public static final String LOGGING_FORMAT = "format";

  /** Section for the in-memory serving tier of query nodes; read by {@code MainVerticle}. */
  public static final String SERVING = "serving";

  /** Whether query nodes load layers into memory and answer from there once warm. */
  public static final String SERVING_ENABLED = "enabled";

  /** The memory budget of one node's in-memory indexes, in MiB. */
  public static final String SERVING_MAX_MEGABYTES = "maxMegabytes";

  /** Partitions of a layer one read asks Cassandra for when the layer is loaded into memory. */
  public static final String SERVING_LOAD_PARTITIONS_PER_READ = "loadPartitionsPerRead";

  /** Reads of a layer being loaded into memory that are in flight at a time. */
  public static final String SERVING_LOAD_READS_IN_FLIGHT = "loadReadsInFlight";

  /** Section for placing IP and street addresses, for {@code nearby/{ip}}, {@code nearby/ip} and {@code nearby/address}. */
  public static final String PLACES = "places";

  /** MaxMind-format databases ({@code .mmdb}) placing IP addresses, tried in order; none: {@code nearby/{ip}} answers 501. */
  public static final String PLACES_IP_DATABASES = "ipDatabases";

  /** How often, at most, the IP databases are checked for a new version on disk, in seconds. */
  public static final String PLACES_RELOAD_CHECK_SECONDS = "reloadCheckSeconds";

  /** The city list of the embedded geocoder (tab-separated, {@code make geodata}); empty: none. */
  public static final String PLACES_CITIES_FILE = "citiesFile";

  /** A geocoding service's search URL with {@code {address}} in it (Nominatim or Pelias); empty: city precision only. */
  public static final String PLACES_GEOCODER_URL = "geocoderUrl";

  /** How long the geocoding service may take to answer, in milliseconds, before the city list answers instead. */
  public static final String PLACES_GEOCODER_TIMEOUT_MS = "geocoderTimeoutMs";

  /** How many of the geocoding service's answers are kept (for an hour each). */
  public static final String PLACES_GEOCODER_CACHE_SIZE = "geocoderCacheSize";

  /** CIDR blocks of proxies whose forwarding header names the caller, for {@code nearby/ip}. */
  public static final String PLACES_TRUSTED_PROXIES = "trustedProxies";

  /** The header those proxies append the caller's address to: {@code X-Forwarded-For} or {@code Forwarded}. */
  public static final String PLACES_FORWARDED_HEADER = "forwardedHeader";

  /** Section for webhooks: the changes of a layer POSTed to its {@code callback_urls}. */
  public static final String HOOKS = "hooks";

  /** How long a receiver may take to answer one delivery, in milliseconds. */
  public static final String HOOKS_TIMEOUT_MS = "timeoutMs";

  /** Attempts at one delivery before it is dead-lettered. */
  public static final String HOOKS_MAX_ATTEMPTS = "maxAttempts";

  /** Age of a delivery (since its change) after which a failed attempt dead-letters it, in seconds. */
  public static final String HOOKS_MAX_AGE_SECONDS = "maxAgeSeconds";

  /** Wait before the second attempt, in milliseconds; each later wait doubles, with jitter. */
  public static final String HOOKS_FIRST_RETRY_MS = "firstRetryMs";

  /** Longest wait between two attempts, in milliseconds. */
  public static final String HOOKS_MAX_RETRY_MS = "maxRetryMs";

  /** Deliveries to one receiver in flight at a time (one per record at most, so each record's stay in order). */
  public static final String HOOKS_IN_FLIGHT = "inFlight";

  /** Whether callback URLs may name loopback addresses (the development profile: yes, for a local receiver). */
  public static final String HOOKS_ALLOW_LOOPBACK = "allowLoopback";

  /** Whether callback URLs may name private, link-local and other internal addresses. */
  public static final String HOOKS_ALLOW_PRIVATE = "allowPrivate";
}
