package dev.llmbench.runner.cli;

import dev.llmbench.engine.EngineProvider;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The engines on the class path, found through {@link ServiceLoader}. A provider that cannot even be created, or
 * whose availability check throws, is listed as unavailable with the reason: listing never crashes.
 */
final class EngineCatalog {

    /** One engine as {@code --list-engines} shows it; {@code provider} is null when it could not be created. */
    record Entry(String name, String description, boolean available, String reason, EngineProvider provider) {
    }

    private EngineCatalog() {
    }

    static List<Entry> entries() {
        List<Entry> entries = new ArrayList<>();
        Iterator<EngineProvider> it = ServiceLoader.load(EngineProvider.class).iterator();
        while (true) {
            EngineProvider provider;
            try {
                if (!it.hasNext()) {
                    break;
                }
                provider = it.next();
            } catch (ServiceConfigurationError e) {
                entries.add(new Entry("(broken)", "", false, oneLine(e), null));
                continue;
            }
            entries.add(describe(provider));
        }
        entries.sort(Comparator.comparing(Entry::name));
        return entries;
    }

    static Optional<Entry> find(String name) {
        return entries().stream().filter(e -> e.provider() != null && e.name().equals(name)).findFirst();
    }

    static List<String> names() {
        return entries().stream().filter(e -> e.provider() != null).map(Entry::name).toList();
    }

    private static Entry describe(EngineProvider provider) {
        String name;
        String description;
        try {
            name = provider.name();
            description = provider.description();
        } catch (RuntimeException | LinkageError e) {
            return new Entry(provider.getClass().getName(), "", false, oneLine(e), null);
        }
        try {
            EngineProvider.Availability a = provider.availability();
            if (a == null) {
                return new Entry(name, description, false, "the engine did not say whether it can run", provider);
            }
            return new Entry(name, description, a.available(), a.reason() == null ? "" : a.reason(), provider);
        } catch (RuntimeException | LinkageError e) {
            return new Entry(name, description, false, oneLine(e), provider);
        }
    }

    private static String oneLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.replaceAll("\\s+", " ").trim();
    }
}
