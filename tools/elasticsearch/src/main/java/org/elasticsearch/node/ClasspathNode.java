package org.elasticsearch.node;

import org.elasticsearch.bootstrap.BootstrapCheck;
import org.elasticsearch.bootstrap.BootstrapContext;
import org.elasticsearch.common.transport.BoundTransportAddress;
import org.elasticsearch.env.Environment;
import org.elasticsearch.plugins.ClasspathPluginsService;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.plugins.PluginsLoader;
import org.elasticsearch.plugins.PluginsService;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An Elasticsearch {@link Node} whose modules come from the classpath instead of {@code modules/}.
 *
 * <p>It sits in {@code org.elasticsearch.node} because the hooks it needs
 * ({@link NodeConstruction}, {@link NodeServiceProvider}) are package-private; Elasticsearch's own
 * test framework ({@code MockNode}) plugs in the same way. Everything else is the stock server.
 */
public class ClasspathNode extends Node {

    public ClasspathNode(Environment environment, Map<String, Class<? extends Plugin>> moduleClasses) {
        super(
            NodeConstruction.prepareConstruction(
                environment,
                // No module folders to scan, and no module layer to export server packages to.
                PluginsLoader.createPluginsLoader(Set.of(), Set.of(), Map.of(), false),
                new NodeServiceProvider() {
                    @Override
                    PluginsService newPluginService(Environment env, PluginsLoader emptyLoader) {
                        return new ClasspathPluginsService(env.settings(), env, emptyLoader, moduleClasses);
                    }
                },
                true
            )
        );
    }

    /**
     * Skips the bootstrap checks. The node binds to loopback only with single-node discovery, where
     * the official distribution does not enforce them either; skipping them also spares warnings
     * about host settings (vm.max_map_count, file descriptors) a developer machine need not tune.
     */
    @Override
    protected void validateNodeBeforeAcceptingRequests(
        BootstrapContext context,
        BoundTransportAddress boundTransportAddress,
        List<BootstrapCheck> bootstrapChecks
    ) {}
}
