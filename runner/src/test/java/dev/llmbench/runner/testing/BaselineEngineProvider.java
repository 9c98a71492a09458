package dev.llmbench.runner.testing;

/** A second available test engine, for {@code --baseline}. */
public final class BaselineEngineProvider extends FakeEngineProvider {
    @Override
    public String name() {
        return "fake-baseline";
    }
}
