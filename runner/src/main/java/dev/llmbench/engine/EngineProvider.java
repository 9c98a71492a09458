package dev.llmbench.engine;

/**
 * An engine kind, found at run time through {@link java.util.ServiceLoader}
 * ({@code META-INF/services/dev.llmbench.engine.EngineProvider}).
 * A provider is cheap to create; {@link #availability()} says whether it can run on this machine.
 */
public interface EngineProvider {

    /** The id used by {@code --engine}: {@code java}, {@code cuda}, {@code metal}. */
    String name();

    /** One line for {@code --list-engines}. */
    String description();

    /** Whether this engine can start here (native library present, device found), with the reason when not. */
    Availability availability();

    /**
     * Loads a model and returns an engine ready for {@link Engine#prefill}.
     *
     * @throws EngineException with {@link EngineException.Kind#INVALID_INPUT} for a bad model or settings,
     *                         {@link EngineException.Kind#UNAVAILABLE} when the device or library is missing
     */
    Engine open(EngineOptions options) throws EngineException;

    /** Whether the engine can run here; {@code reason} says why not (or names the device when it can). */
    record Availability(boolean available, String reason) {
        public static Availability yes(String detail) {
            return new Availability(true, detail);
        }

        public static Availability no(String reason) {
            return new Availability(false, reason);
        }
    }
}
