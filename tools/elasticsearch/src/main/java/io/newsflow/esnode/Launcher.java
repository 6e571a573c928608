package io.newsflow.esnode;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configurator;
import org.elasticsearch.Build;
import org.elasticsearch.common.logging.LogConfigurator;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.node.ClasspathNode;
import org.elasticsearch.node.InternalSettingsPreparer;
import org.elasticsearch.node.Node;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.transport.netty4.Netty4Plugin;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs a single-node Elasticsearch cluster in this JVM until SIGTERM/SIGINT.
 *
 * <p>Usage: {@code Launcher --port 9200 --data-dir DIR --logs-dir DIR} (heap is a JVM flag, set by
 * elasticsearch.sh). The node binds 127.0.0.1 only; {@code DIR} of --data-dir becomes
 * {@code path.home}, with the index data in {@code DIR/data} and the logging config in
 * {@code DIR/config}. Prints one "started" line on stdout once the HTTP port accepts requests.
 */
public final class Launcher {

    static final String CLUSTER_NAME = "newsflow-local";
    static final String NODE_NAME = "newsflow-local-1";

    /** The modules this node has, by the name it reports for them (see README.md for what is missing). */
    static final Map<String, Class<? extends Plugin>> MODULES = Map.of(
        "transport-netty4", Netty4Plugin.class,          // published on Maven Central as is
        "newsflow-analysis", LuceneAnalysisPlugin.class, // stands in for part of analysis-common
        "newsflow-rest-root", RootEndpointPlugin.class  // stands in for rest-root (GET /)
    );

    private Launcher() {}

    public static void main(String[] args) throws Exception {
        // Logging setup redirects System.out/err into log4j; keep the real console for our own lines.
        PrintStream console = System.out;
        PrintStream errors = System.err;
        // As in Elasticsearch's own entry point: catch log4j status errors raised before configuration.
        LogConfigurator.registerErrorListener();
        Map<String, String> options;
        try {
            options = parseOptions(args);
        } catch (IllegalArgumentException e) {
            errors.println("error: " + e.getMessage());
            errors.println("usage: Launcher --port PORT --data-dir DIR --logs-dir DIR");
            System.exit(2);
            return;
        }
        int port = Integer.parseInt(options.get("port"));
        Path home = Path.of(options.get("data-dir")).toAbsolutePath();
        Path logs = Path.of(options.get("logs-dir")).toAbsolutePath();

        Node node;
        try {
            node = buildNode(port, home, logs);
        } catch (Exception e) {
            errors.println("error: could not set up the Elasticsearch node: " + e);
            e.printStackTrace(errors);
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop(node, errors);
            stopped.countDown();
        }, "newsflow-esnode-shutdown"));
        try {
            node.start();
        } catch (Exception e) {
            errors.println("error: Elasticsearch failed to start (see " + logs + "): " + e);
            System.exit(1);
        }
        console.printf(
            "started Elasticsearch %s, cluster [%s], http://127.0.0.1:%d, logs in %s%n",
            Build.current().qualifiedVersion(), CLUSTER_NAME, port, logs
        );
        console.flush();
        // Elasticsearch's threads are daemons: this non-daemon wait keeps the JVM up until a signal.
        stopped.await();
    }

    static Map<String, String> parseOptions(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            String name = args[i];
            if (name.startsWith("--") == false || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected '--name value' pairs, got " + String.join(" ", args));
            }
            options.put(name.substring(2), args[i + 1]);
        }
        for (String required : List.of("port", "data-dir", "logs-dir")) {
            if (options.containsKey(required) == false) {
                throw new IllegalArgumentException("missing --" + required);
            }
        }
        if (options.size() != 3) {
            throw new IllegalArgumentException("unknown option among " + options.keySet());
        }
        return options;
    }

    private static Node buildNode(int port, Path home, Path logs) throws Exception {
        Path config = home.resolve("config");
        Files.createDirectories(config);
        Files.createDirectories(logs);
        try (InputStream log4j = Launcher.class.getResourceAsStream("/log4j2.properties")) {
            Files.copy(log4j, config.resolve("log4j2.properties"), StandardCopyOption.REPLACE_EXISTING);
        }
        Settings settings = Settings.builder()
            .put("cluster.name", CLUSTER_NAME)
            .put("node.name", NODE_NAME)
            .put("path.home", home.toString())
            .put("path.data", home.resolve("data").toString())
            .put("path.logs", logs.toString())
            .put("network.host", "127.0.0.1")
            .put("http.port", port)
            .put("discovery.type", "single-node")
            // A developer disk past 90% full would otherwise make every index read-only.
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .build();
        Environment environment = InternalSettingsPreparer.prepareEnvironment(settings, Map.of(), config, () -> NODE_NAME);
        LogConfigurator.setNodeName(NODE_NAME);
        LogConfigurator.configure(environment, true);
        return new ClasspathNode(environment, MODULES);
    }

    private static void stop(Node node, PrintStream errors) {
        try {
            node.prepareForClose();
            node.close();
            if (node.awaitClose(30, TimeUnit.SECONDS) == false) {
                errors.println("warning: Elasticsearch did not stop within 30 s");
            }
        } catch (Exception e) {
            errors.println("error while stopping Elasticsearch: " + e);
        } finally {
            Configurator.shutdown((LoggerContext) LogManager.getContext(false));
        }
    }
}
