package dev.llmbench.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/** The engines registered on the class path through {@link ServiceLoader}, sorted by name. */
public final class Engines {
    private Engines() {
    }

    public static List<EngineProvider> all() {
        List<EngineProvider> list = new ArrayList<>();
        ServiceLoader.load(EngineProvider.class).forEach(list::add);
        list.sort(Comparator.comparing(EngineProvider::name));
        return List.copyOf(list);
    }

    public static Optional<EngineProvider> find(String name) {
        return all().stream().filter(p -> p.name().equals(name)).findFirst();
    }
}
