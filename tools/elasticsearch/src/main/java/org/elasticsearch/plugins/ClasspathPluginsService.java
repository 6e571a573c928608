package org.elasticsearch.plugins;

import org.elasticsearch.Build;
import org.elasticsearch.action.admin.cluster.node.info.PluginsAndModules;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A plugins service whose modules are plain classes on the JVM classpath.
 *
 * <p>The official distribution loads each module (transport-netty4, analysis-common, ...) from
 * {@code modules/NAME/} with its own class loader. Maven Central has no module folders, only jars,
 * so here every module class is already on the application classpath and is instantiated
 * directly, under the name given by the caller. It lives in {@code org.elasticsearch.plugins} because {@link LoadedPlugin} is
 * package-private. The loaded classes are reported as modules, as the official image does.
 */
public class ClasspathPluginsService extends PluginsService {

    private final List<LoadedPlugin> modules;

    public ClasspathPluginsService(
        Settings settings,
        Environment environment,
        PluginsLoader emptyLoader,
        Map<String, Class<? extends Plugin>> moduleClasses
    ) {
        super(settings, environment.configDir(), emptyLoader);
        List<LoadedPlugin> loaded = new ArrayList<>();
        moduleClasses.forEach((name, moduleClass) -> {
            Plugin instance = loadPlugin(moduleClass, settings, environment.configDir());
            loaded.add(new LoadedPlugin(describe(name, moduleClass), instance, moduleClass.getClassLoader()));
        });
        this.modules = List.copyOf(loaded);
    }

    private static PluginDescriptor describe(String name, Class<? extends Plugin> moduleClass) {
        return new PluginDescriptor(
            name,
            "classpath module " + moduleClass.getName(),
            Build.current().version(),
            Build.current().version(),
            Integer.toString(Runtime.version().feature()),
            moduleClass.getName(),
            null,
            List.of(),
            false,
            false,
            false,
            false
        );
    }

    @Override
    protected List<LoadedPlugin> plugins() {
        return modules;
    }

    @Override
    public PluginsAndModules info() {
        return new PluginsAndModules(List.of(), modules.stream().map(LoadedPlugin::descriptor).toList());
    }
}
