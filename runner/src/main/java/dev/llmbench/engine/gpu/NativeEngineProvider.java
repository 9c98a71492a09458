package dev.llmbench.engine.gpu;

import dev.llmbench.engine.Engine;
import dev.llmbench.engine.EngineException;
import dev.llmbench.engine.EngineOptions;
import dev.llmbench.engine.EngineProvider;

/**
 * A provider of an engine in a native library ({@link NativeLibrary}): available when the library loads, speaks this
 * runner's ABI version and its {@code lb_probe} finds a device; otherwise listed with the reason.
 */
abstract class NativeEngineProvider implements EngineProvider {
    private NativeLibrary library;
    private String loadError;

    /** The library's file name, e.g. {@code libllmbench_cuda.so}. */
    abstract String libraryFile();

    /** How the library measures peak device memory, as the results file says it. */
    abstract String memoryMethod();

    /** The library, loaded on first use; null with {@link #loadError} set when it cannot be. */
    private synchronized NativeLibrary library() {
        if (library == null && loadError == null) {
            try {
                library = NativeLibrary.load(name(), libraryFile());
            } catch (IllegalStateException | LinkageError e) {
                loadError = e.getMessage();
            }
        }
        return library;
    }

    @Override
    public Availability availability() {
        NativeLibrary lib = library();
        if (lib == null) {
            return Availability.no(loadError);
        }
        NativeLibrary.Probe probe = lib.probe();
        return probe.ok() ? Availability.yes(probe.text() + "; " + lib.path) : Availability.no(probe.text());
    }

    @Override
    public Engine open(EngineOptions options) throws EngineException {
        Availability a = availability();
        if (!a.available()) {
            throw new EngineException(EngineException.Kind.UNAVAILABLE, a.reason());
        }
        return NativeEngine.open(library(), name(), options, memoryMethod());
    }
}
