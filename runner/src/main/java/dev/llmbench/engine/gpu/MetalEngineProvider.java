package dev.llmbench.engine.gpu;

/**
 * The Metal engine ({@code --engine metal}): {@code native/metal}, an Objective-C host with MSL kernels that mirror
 * the CUDA engine's, built into {@code libllmbench_metal.dylib} on macOS. It is built and tested by the macOS
 * workflow (.github/workflows/metal.yml); no Mac has run it in this project's own sessions yet.
 */
public final class MetalEngineProvider extends NativeEngineProvider {
    @Override
    public String name() {
        return "metal";
    }

    @Override
    public String description() {
        return "Metal engine (native/metal, Apple Silicon): the CUDA engine's kernels in MSL, weights wrapped without "
                + "a copy; built and tested only by the macOS CI workflow, not yet run by the maintainers";
    }

    @Override
    String libraryFile() {
        return "libllmbench_metal.dylib";
    }

    @Override
    String memoryMethod() {
        return "MTLDevice.currentAllocatedSize: highest sample (after load, after runs) minus before load";
    }
}
