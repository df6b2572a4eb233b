package io.locus.cli;

import io.locus.ingest.RabbitSettings;

/**
 * What the commands take from a node's configuration when no option says otherwise.
 *
 * @param url the node's base URL, e.g. {@code http://127.0.0.1:8080}
 * @param key the consumer key to sign as (empty when the configuration has none)
 * @param secret that consumer's secret
 * @param adminKey the bearer key of the {@code /admin} surface (empty when the configuration has none)
 * @param rabbitmq the broker and queue names the node uses ({@code dead-letters} talks to it directly)
 */
public record NodeDefaults(String url, String key, String secret, String adminKey, RabbitSettings rabbitmq) {}
